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
            let window = LedgerRules.summaryWindow(merchant: merchant, at: instant)
            func period(from start: Date) throws -> SummaryAnswer.Period {
                // SQLite's SUM fails on an integer overflow rather than rounding: the sums are exact or refused.
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT kind, COUNT(*) AS n, SUM(points) AS points, SUM(amount_minor) AS minor FROM ledger_entry
                        WHERE merchant_id = ? AND at >= ? AND at < ? AND kind IN ('earn', 'redeem', 'return')
                        GROUP BY kind
                        """, arguments: [merchant.id, Timestamp.format(start), window.until])
                return LedgerRules.summaryPeriod(
                    from: start, merchant: merchant,
                    totals: rows.map {
                        LedgerRules.KindTotals(
                            kind: $0["kind"], count: $0["n"], points: $0["points"] ?? 0, minor: $0["minor"] ?? 0)
                    })
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
                today: try period(from: window.dayStart), month: try period(from: window.monthStart),
                activeCards: activeCards,
                pointsOutstanding: totals?["points"] ?? 0,
                discountOutstanding: Money(minorUnits: totals?["minor"] ?? 0, currency: merchant.currency).decimalString
            )
        }
    }

    public func appendAudit(_ request: CoreOp.AuditAppend.Parameters) async throws -> AuditEntry {
        try LedgerRules.checkAudit(request)
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
        try LedgerRules.checkAuditLimit(limit)
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
}
