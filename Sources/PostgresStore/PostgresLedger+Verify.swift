import Dispatch
import Foundation
import LoyalgateProtocol
import LoyaltyStore
import PostgresNIO

extension PostgresLedger {
    /// `LedgerStore.verify` for callers that cannot wait asynchronously: blocks this thread
    /// on `verifyReport()`. From async code call `verifyReport()` itself.
    public func verify() throws -> VerifyReport {
        let box = ReportBox()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            do { box.result = .success(try await self.verifyReport()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }

    /// The same checks as the SQLite store's `verify` (LedgerDatabase+Verify), in one
    /// REPEATABLE READ snapshot that running cores cannot change half-way: every balance equals
    /// the sum of its entries and none is negative, every till, prepaid and stamp transaction
    /// has exactly one entry, no entry moves a balance the wrong way for its kind, and every
    /// voucher's uses are its use rows. PostgreSQL checks its pages itself (checksums, when
    /// the cluster has them), so there are no file problems to report here.
    public func verifyReport() async throws -> VerifyReport {
        try await client.withConnection { connection in
            try await connection.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: self.logger)
            do {
                let report = try await self.checks(connection)
                try await connection.run("COMMIT", logger: self.logger)
                return report
            } catch {
                _ = try? await connection.run("ROLLBACK", logger: self.logger)
                throw error
            }
        }
    }

    private func checks(_ connection: PostgresConnection) async throws -> VerifyReport {
        do {
            var problems: [String] = []
            for row in try await connection.rows(
                """
                SELECT a.id, a.points, a.balance_minor, a.prepaid_minor, a.stamps,
                       COALESCE(SUM(e.points), 0)::bigint AS sum_points, COALESCE(SUM(e.amount_minor), 0)::bigint AS sum_minor,
                       COALESCE(SUM(e.prepaid_minor), 0)::bigint AS sum_prepaid, COALESCE(SUM(e.stamps), 0)::bigint AS sum_stamps
                FROM account a LEFT JOIN ledger_entry e ON e.account_id = a.id
                GROUP BY a.id
                HAVING a.points != COALESCE(SUM(e.points), 0) OR a.balance_minor != COALESCE(SUM(e.amount_minor), 0)
                    OR a.prepaid_minor != COALESCE(SUM(e.prepaid_minor), 0) OR a.stamps != COALESCE(SUM(e.stamps), 0)
                    OR COALESCE(SUM(e.points), 0) < 0 OR COALESCE(SUM(e.amount_minor), 0) < 0
                    OR COALESCE(SUM(e.prepaid_minor), 0) < 0 OR COALESCE(SUM(e.stamps), 0) < 0
                ORDER BY a.id
                """, logger: self.logger)
            {
                let stamps = try row.int("stamps")
                let sumStamps = try row.int("sum_stamps")
                problems.append(
                    "account \(try row.int("id")): holds \(try row.int("points")) points, \(try row.int("balance_minor")) minor units and \(try row.int("prepaid_minor")) minor units of prepaid, its entries sum to \(try row.int("sum_points")) points, \(try row.int("sum_minor")) minor units and \(try row.int("sum_prepaid")) minor units of prepaid"
                        + (stamps == sumStamps ? "" : "; it holds \(stamps) stamps, its entries sum to \(sumStamps)"))
            }
            for (table, column, name) in [
                ("prepaid_txn", "prepaid_txn_id", "prepaid transaction"), ("till_txn", "txn_id", "transaction"),
                ("stamp_txn", "stamp_txn_id", "stamp transaction"),
            ] {
                for row in try await connection.rows(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT t.id, COUNT(e.id) AS n FROM \(table) t LEFT JOIN ledger_entry e ON e.\(column) = t.id
                            GROUP BY t.id HAVING COUNT(e.id) != 1 ORDER BY t.id
                            """), logger: self.logger)
                {
                    problems.append(
                        "\(name) \(try row.int("id")) has \(try row.int("n")) ledger entries instead of one")
                }
            }
            for row in try await connection.rows(
                """
                SELECT id, kind, points, amount_minor, prepaid_minor, stamps FROM ledger_entry
                WHERE (kind IN ('earn', 'transfer-in') AND (points < 0 OR amount_minor < 0))
                   OR (kind IN ('redeem', 'return', 'fee', 'transfer-out') AND (points > 0 OR amount_minor > 0))
                   OR (kind IN ('earn', 'redeem', 'return', 'fee') AND prepaid_minor != 0)
                   OR (kind = 'transfer-in' AND prepaid_minor < 0) OR (kind = 'transfer-out' AND prepaid_minor > 0)
                   OR (kind LIKE 'prepaid-%' AND (points != 0 OR amount_minor != 0))
                   OR (kind IN ('prepaid-load', 'prepaid-pay-reversal') AND prepaid_minor < 0)
                   OR (kind IN ('prepaid-pay', 'prepaid-load-reversal') AND prepaid_minor > 0)
                   OR (kind LIKE 'stamp-%' AND (points != 0 OR amount_minor != 0 OR prepaid_minor != 0))
                   OR (kind NOT LIKE 'stamp-%' AND kind NOT LIKE 'transfer-%' AND stamps != 0)
                   OR (kind = 'stamp-earn' AND stamps < 0) OR (kind IN ('stamp-redeem', 'stamp-return') AND stamps > 0)
                   OR (kind = 'transfer-in' AND stamps < 0) OR (kind = 'transfer-out' AND stamps > 0)
                   OR kind NOT IN ('earn', 'transfer-in', 'redeem', 'return', 'fee', 'transfer-out',
                                   'prepaid-load', 'prepaid-pay', 'prepaid-load-reversal', 'prepaid-pay-reversal',
                                   'stamp-earn', 'stamp-redeem', 'stamp-return')
                ORDER BY id
                """, logger: self.logger)
            {
                let stamps = try row.int("stamps")
                problems.append(
                    "ledger entry \(try row.int("id")): a \(try row.text("kind")) of \(try row.int("points")) points, \(try row.int("amount_minor")) minor units and \(try row.int("prepaid_minor")) minor units of prepaid moves a balance the wrong way for its kind"
                        + (stamps == 0 ? "" : " (\(stamps) stamps)"))
            }
            for row in try await connection.rows(
                """
                SELECT v.code, v.used, v.uses_allowed, COUNT(u.id) AS n FROM voucher v
                LEFT JOIN voucher_use u ON u.voucher_id = v.id
                GROUP BY v.id HAVING COUNT(u.id) != v.used OR v.used > v.uses_allowed ORDER BY v.id
                """, logger: self.logger)
            {
                problems.append(
                    "voucher \(try row.text("code")): counted \(try row.int("used")) uses of \(try row.int("uses_allowed")) allowed, \(try row.int("n")) recorded"
                )
            }
            let counts = try await connection.row(
                """
                SELECT (SELECT COUNT(*) FROM account) AS accounts, (SELECT COUNT(*) FROM ledger_entry) AS entries,
                       (SELECT COUNT(*) FROM till_txn) AS transactions
                """, logger: self.logger)!
            return LedgerRules.report(
                accounts: Int(try counts.int("accounts")), entries: Int(try counts.int("entries")),
                transactions: Int(try counts.int("transactions")), fileProblems: [], differences: problems)
        }
    }
}

private final class ReportBox: @unchecked Sendable {
    var result: Result<VerifyReport, any Error>?
}
