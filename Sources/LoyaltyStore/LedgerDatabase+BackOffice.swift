import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain

/// The back office's figures and its audit log (core ops `report.summary`, `audit.append`,
/// `audit.list`).
extension LedgerDatabase {
    public func summary(merchant code: String?, at instant: Date) async throws -> SummaryAnswer {
        try await read { db in
            let merchant = try Self.merchant(db, code: code)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = merchant.timeZone
            let dayStart = calendar.startOfDay(for: instant)
            let monthStart =
                calendar.date(from: calendar.dateComponents([.year, .month], from: instant)) ?? dayStart
            let until = Timestamp.format(calendar.date(byAdding: .day, value: 1, to: dayStart) ?? instant)
            func period(from start: Date) throws -> SummaryAnswer.Period {
                // SQLite's SUM fails on an integer overflow rather than rounding: the sums are exact or refused.
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT kind, COUNT(*) AS n, SUM(points) AS points, SUM(amount_minor) AS minor FROM ledger_entry
                        WHERE merchant_id = ? AND at >= ? AND at < ? AND kind IN ('earn', 'redeem', 'return')
                        GROUP BY kind
                        """, arguments: [merchant.id, Timestamp.format(start), until])
                var result = SummaryAnswer.Period(
                    from: Timestamp.localDate(start, timeZone: merchant.timeZone), earns: 0, pointsEarned: 0,
                    redeems: 0, pointsRedeemed: 0, discountRedeemed: Money.zero(merchant.currency).decimalString,
                    returns: 0)
                for row in rows {
                    let count: Int = row["n"]
                    let points: Int64 = row["points"] ?? 0
                    let minor: Int64 = row["minor"] ?? 0
                    switch row["kind"] as String {
                    case "earn":
                        result.earns = count
                        result.pointsEarned = points
                    case "redeem":
                        result.redeems = count
                        result.pointsRedeemed = points == .min ? .max : -points
                        result.discountRedeemed =
                            Money(minorUnits: minor == .min ? .max : -minor, currency: merchant.currency).decimalString
                    default: result.returns = count
                    }
                }
                return result
            }
            let activeCards =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM card WHERE merchant_id = ? AND status = 'active'",
                    arguments: [merchant.id]) ?? 0
            let totals = try Row.fetchOne(
                db, sql: "SELECT SUM(points) AS points, SUM(balance_minor) AS minor FROM account WHERE merchant_id = ?",
                arguments: [merchant.id])
            return SummaryAnswer(
                merchant: merchant.code, currency: merchant.currency.code, timeZone: merchant.timeZone.identifier,
                today: try period(from: dayStart), month: try period(from: monthStart), activeCards: activeCards,
                pointsOutstanding: totals?["points"] ?? 0,
                discountOutstanding: Money(minorUnits: totals?["minor"] ?? 0, currency: merchant.currency).decimalString
            )
        }
    }

    public func appendAudit(_ request: CoreOp.AuditAppend.Parameters) async throws -> AuditEntry {
        try Self.checkAuditText(request.user, field: "user", maximum: 64)
        try Self.checkAuditText(request.action, field: "action", maximum: 64)
        try Self.checkAuditText(request.subject, field: "subject", maximum: 64)
        if let detail = request.detail { try Self.checkAuditText(detail, field: "detail", maximum: 500) }
        return try await write { db in
            let merchant = try Self.merchant(db, code: request.merchant)
            let at = nowText()
            try db.execute(
                sql: "INSERT INTO audit_log (merchant_id, user, action, subject, detail, at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [merchant.id, request.user, request.action, request.subject, request.detail, at])
            return AuditEntry(
                id: db.lastInsertedRowID, user: request.user, action: request.action, subject: request.subject,
                detail: request.detail, at: at)
        }
    }

    public func auditList(merchant code: String?, limit: Int) async throws -> AuditAnswer {
        guard (1...1000).contains(limit) else {
            throw LoyaltyError(.badRequest, "\"limit\" is 1 to 1000.")
        }
        return try await read { db in
            let merchant = try Self.merchant(db, code: code)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, user, action, subject, detail, at FROM audit_log WHERE merchant_id = ?
                    ORDER BY id DESC LIMIT ?
                    """, arguments: [merchant.id, limit])
            return AuditAnswer(
                entries: rows.map {
                    AuditEntry(
                        id: $0["id"], user: $0["user"], action: $0["action"], subject: $0["subject"],
                        detail: $0["detail"], at: $0["at"])
                })
        }
    }

    /// Lengths count Unicode scalars; control characters would reach every screen that shows the log.
    static func checkAuditText(_ text: String, field: String, maximum: Int) throws(LoyaltyError) {
        guard !text.isEmpty, text.unicodeScalars.count <= maximum,
            !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw LoyaltyError(
                .badRequest, "\"\(field)\" is 1 to \(maximum) characters without control characters.")
        }
    }
}
