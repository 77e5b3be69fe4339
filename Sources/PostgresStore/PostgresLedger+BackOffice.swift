import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PersonalData
import PostgresNIO

// The back office's figures, audit log and CSV pages (`report.summary`, `audit.append`,
// `audit.list`, `export.page`), as the SQLite store's LedgerDatabase+BackOffice and +Export:
// the same checks, periods and cells (LedgerRules), the same answers.
extension PostgresLedger {
    public func summary(merchant code: String?, at instant: Date) async throws -> SummaryAnswer {
        try await read { connection in
            let merchant = try await self.merchant(connection, code: code)
            let window = LedgerRules.summaryWindow(merchant: merchant, at: instant)
            func period(from start: Date) async throws -> SummaryAnswer.Period {
                // Sums cast back to BIGINT: one that overflows fails ("bigint out of range")
                // rather than being shown rounded, as SQLite's SUM does. Times compare byte by
                // byte (COLLATE "C"), as SQLite compares them, whatever the database's locale.
                let rows = try await connection.rows(
                    """
                    SELECT kind, COUNT(*) AS n, SUM(points)::bigint AS points, SUM(amount_minor)::bigint AS minor
                    FROM ledger_entry
                    WHERE merchant_id = \(merchant.id) AND at COLLATE "C" >= \(Timestamp.format(start))
                      AND at COLLATE "C" < \(window.until) AND kind = ANY(\(LedgerRules.summaryKinds))
                    GROUP BY kind
                    """, logger: self.logger)
                return LedgerRules.summaryPeriod(
                    from: start, merchant: merchant,
                    totals: try rows.map {
                        LedgerRules.KindTotals(
                            kind: try $0.text("kind"), count: Int(try $0.int("n")),
                            points: try $0.optionalInt("points") ?? 0, minor: try $0.optionalInt("minor") ?? 0)
                    })
            }
            let today = try await period(from: window.dayStart)
            let month = try await period(from: window.monthStart)
            let activeCards =
                try await connection.row(
                    "SELECT COUNT(*) AS n FROM card WHERE merchant_id = \(merchant.id) AND status = 'active'",
                    logger: self.logger)?.int("n") ?? 0
            let totals = try await connection.row(
                """
                SELECT SUM(points)::bigint AS points, SUM(balance_minor)::bigint AS minor FROM account
                WHERE merchant_id = \(merchant.id)
                """, logger: self.logger)
            return SummaryAnswer(
                merchant: merchant.code, currency: merchant.currency.code, timeZone: merchant.timeZone.identifier,
                today: today, month: month, activeCards: Int(activeCards),
                pointsOutstanding: try totals?.optionalInt("points") ?? 0,
                discountOutstanding: Money(
                    minorUnits: try totals?.optionalInt("minor") ?? 0, currency: merchant.currency
                ).decimalString)
        }
    }

    public func appendAudit(_ request: CoreOp.AuditAppend.Parameters) async throws -> AuditEntry {
        try LedgerRules.checkAudit(request)
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: request.merchant)
            let at = Timestamp.format(Date())
            // Append-only: the core's role has INSERT on audit_log and no UPDATE or DELETE, and a
            // trigger refuses both for every role.
            let id = try await connection.row(
                """
                INSERT INTO audit_log (merchant_id, "user", action, subject, detail, at)
                VALUES (\(merchant.id), \(request.user), \(request.action), \(request.subject), \(request.detail), \(at))
                RETURNING id
                """, logger: self.logger)!.int("id")
            return AuditEntry(
                id: id, user: request.user, action: request.action, subject: request.subject, detail: request.detail,
                at: at)
        }
    }

    public func auditList(merchant code: String?, limit: Int) async throws -> AuditAnswer {
        try LedgerRules.checkAuditLimit(limit)
        return try await read { connection in
            let merchant = try await self.merchant(connection, code: code)
            let rows = try await connection.rows(
                """
                SELECT id, "user", action, subject, detail, at FROM audit_log WHERE merchant_id = \(merchant.id)
                ORDER BY id DESC LIMIT \(Int64(limit))
                """, logger: self.logger)
            return AuditAnswer(
                entries: try rows.map {
                    AuditEntry(
                        id: try $0.int("id"), user: try $0.text("user"), action: try $0.text("action"),
                        subject: try $0.text("subject"), detail: try $0.optionalText("detail"), at: try $0.text("at"))
                })
        }
    }

    /// One page of an export (`export.page`): the rows after `after` in id order, as the same CSV
    /// lines as the SQLite store gives (`LedgerRules.exportFields`), customers unsealed.
    public func exportPage(merchant code: String?, kind: ExportKind, after: Int64, limit: Int) async throws
        -> ExportPageAnswer
    {
        try LedgerRules.checkExportPage(after: after, limit: limit)
        let cipher = kind == .customers ? try keys.cipher : nil
        return try await read { connection in
            let merchant = try await self.merchant(connection, code: code)
            let count = Int64(limit)
            let rows: [PostgresRandomAccessRow]
            switch kind {
            case .cards:
                rows = try await connection.rows(
                    """
                    SELECT c.id AS row_id, c.number, c.status, c.account_id, a.customer_id, c.active_from,
                           c.replaced_by, c.created_at
                    FROM card c JOIN account a ON a.id = c.account_id
                    WHERE c.merchant_id = \(merchant.id) AND c.id > \(after) ORDER BY c.id LIMIT \(count)
                    """, logger: self.logger)
            case .customers:
                rows = try await connection.rows(
                    """
                    SELECT id AS row_id, id, sealed, consent_mail, consent_profiling, created_at, erased_at
                    FROM customer WHERE merchant_id = \(merchant.id) AND id > \(after) ORDER BY id LIMIT \(count)
                    """, logger: self.logger)
            case .ledger:
                // The sale's lines come from the till transaction the entry belongs to.
                rows = try await connection.rows(
                    """
                    SELECT e.*, e.id AS row_id,
                           (SELECT version FROM program_version WHERE id = e.program_version_id) AS program_version,
                           NULL::text AS applied, t.lines AS sale_lines
                    FROM ledger_entry e LEFT JOIN till_txn t ON t.id = e.txn_id
                    WHERE e.merchant_id = \(merchant.id) AND e.id > \(after) ORDER BY e.id LIMIT \(count)
                    """, logger: self.logger)
            }
            var csv = after == 0 ? SpreadsheetCSV.line(kind.header) : ""
            for row in rows {
                let columns = try Self.exportColumns(kind, row)
                csv += SpreadsheetCSV.line(
                    try LedgerRules.exportFields(kind, columns: columns, merchant: merchant) { sealed in
                        try JSONDecoder().decode(
                            CustomerDetails.self,
                            from: try cipher!.open(sealed, context: self.sealingContext(merchant)))
                    })
            }
            let last = try rows.last?.int("row_id")
            return ExportPageAnswer(csv: csv, rows: rows.count, next: rows.count == limit ? last : nil)
        }
    }

    /// A row of an export query by column name, with the types the SQLite store's rows have.
    static func exportColumns(_ kind: ExportKind, _ row: PostgresRandomAccessRow) throws
        -> [String: (any DatabaseValueConvertible)?]
    {
        switch kind {
        case .cards:
            return [
                "number": try row.text("number"), "status": try row.text("status"),
                "account_id": try row.int("account_id"), "customer_id": try row.optionalInt("customer_id"),
                "active_from": try row.optionalText("active_from"), "replaced_by": try row.optionalText("replaced_by"),
                "created_at": try row.text("created_at"),
            ]
        case .customers:
            return [
                "id": try row.int("id"), "sealed": try row.bytes("sealed"),
                "consent_mail": try row.int("consent_mail"), "consent_profiling": try row.int("consent_profiling"),
                "created_at": try row.text("created_at"), "erased_at": try row.optionalText("erased_at"),
            ]
        case .ledger:
            var columns = try entryColumns(row)
            // `.some`: a nil assigned through the subscript would remove the column, not set it NULL.
            columns["account_id"] = .some(try row.int("account_id"))
            columns["sale_lines"] = .some(try row.optionalText("sale_lines"))
            return columns
        }
    }
}
