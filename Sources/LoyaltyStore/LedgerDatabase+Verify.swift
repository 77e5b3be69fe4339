import GRDB
import LoyalgateProtocol
import LoyaltyDomain

/// What `verify` found: counts, and one sentence per difference.
public struct VerifyReport: Sendable, Equatable {
    public var accounts: Int
    public var entries: Int
    public var transactions: Int
    /// One sentence per difference found; empty when the ledger is consistent.
    public var problems: [String]
}

extension LedgerDatabase {
    /// Recomputes every balance from the ledger and compares it with the account, and checks
    /// that each till transaction has exactly one entry, no balance is negative and every entry
    /// moves its balance the way its kind allows.
    public func verify() throws -> VerifyReport {
        try writer.read { db in
            var problems: [String] = []
            let mismatches = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.id, a.points, a.balance_minor,
                           COALESCE(SUM(e.points), 0) AS sum_points, COALESCE(SUM(e.amount_minor), 0) AS sum_minor
                    FROM account a LEFT JOIN ledger_entry e ON e.account_id = a.id
                    GROUP BY a.id
                    HAVING a.points != sum_points OR a.balance_minor != sum_minor OR sum_points < 0 OR sum_minor < 0
                    """)
            for row in mismatches {
                problems.append(
                    "account \(row["id"] as Int64): holds \(row["points"] as Int64) points and \(row["balance_minor"] as Int64) minor units, its entries sum to \(row["sum_points"] as Int64) points and \(row["sum_minor"] as Int64) minor units"
                )
            }
            let orphans = try Row.fetchAll(
                db,
                sql: """
                    SELECT t.id, COUNT(e.id) AS n FROM till_txn t LEFT JOIN ledger_entry e ON e.txn_id = t.id
                    GROUP BY t.id HAVING n != 1
                    """)
            for row in orphans {
                problems.append(
                    "transaction \(row["id"] as Int64) has \(row["n"] as Int) ledger entries instead of one")
            }
            // An entry that moves a balance the wrong way for its kind (a redeem that added
            // points) sums up consistently, so it is looked for on its own.
            let wrongWay = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, kind, points, amount_minor FROM ledger_entry
                    WHERE (kind IN ('earn', 'transfer-in') AND (points < 0 OR amount_minor < 0))
                       OR (kind IN ('redeem', 'return', 'fee', 'transfer-out') AND (points > 0 OR amount_minor > 0))
                       OR kind NOT IN ('earn', 'transfer-in', 'redeem', 'return', 'fee', 'transfer-out')
                    ORDER BY id
                    """)
            for row in wrongWay {
                problems.append(
                    "ledger entry \(row["id"] as Int64): a \(row["kind"] as String) of \(row["points"] as Int64) points and \(row["amount_minor"] as Int64) minor units moves the balance the wrong way for its kind"
                )
            }
            return VerifyReport(
                accounts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM account") ?? 0,
                entries: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_entry") ?? 0,
                transactions: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM till_txn") ?? 0,
                problems: problems)
        }
    }
}
