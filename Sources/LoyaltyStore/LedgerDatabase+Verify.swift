import GRDB
import LoyalgateProtocol
import LoyaltyDomain

/// What `verify` found: counts, and one sentence per difference.
public struct VerifyReport: Sendable, Equatable {
    public var accounts: Int
    public var entries: Int
    public var transactions: Int
    /// What SQLite's integrity and foreign-key checks found wrong with the file itself.
    public var fileProblems: [String]
    /// One sentence per balance or transaction that disagrees with its ledger entries.
    public var differences: [String]
    /// Everything found; empty when the file is sound and the ledger consistent.
    public var problems: [String] { fileProblems + differences }
}

extension LedgerDatabase {
    /// Runs SQLite's own checks of the file (`PRAGMA integrity_check`, `PRAGMA foreign_key_check`),
    /// then recomputes every balance from the ledger and compares it with the account, and checks
    /// that each till transaction has exactly one entry, no balance is negative and every entry
    /// moves its balance the way its kind allows.
    ///
    /// A damaged page may sit where none of the balance queries read (an index every earn uses),
    /// so the balances agreeing says nothing about the file: both checks are needed.
    public func verify() throws -> VerifyReport {
        // SQLite's checks run outside a transaction: on a damaged file the COMMIT that ends a
        // read transaction fails too, and would hide what the check found.
        var fileProblems = try writer.unsafeRead { db in Self.fileProblems(db) }
        // The balances are read in one transaction, a snapshot the running core cannot change
        // half-way.
        let balances = Result {
            try writer.read { db in
                let count = { (table: String) in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
                return (
                    differences: try Self.balanceProblems(db), accounts: try count("account"),
                    entries: try count("ledger_entry"), transactions: try count("till_txn")
                )
            }
        }
        switch balances {
        case .success(let found):
            return VerifyReport(
                accounts: found.accounts, entries: found.entries, transactions: found.transactions,
                fileProblems: fileProblems, differences: found.differences)
        case .failure(let error):
            fileProblems.append("the balances could not be recomputed: \(error)")
            return VerifyReport(
                accounts: 0, entries: 0, transactions: 0, fileProblems: fileProblems, differences: [])
        }
    }

    /// What SQLite finds wrong with the file itself: damaged pages, indexes that disagree with
    /// their tables, rows whose foreign key points nowhere. At most 100 lines.
    static func fileProblems(_ db: Database) -> [String] {
        var problems: [String] = []
        // Read line by line: on some damage SQLite reports what it found, then fails the
        // statement; both are worth showing.
        do {
            let lines = try String.fetchCursor(db, sql: "PRAGMA integrity_check(100)")
            while let line = try lines.next() {
                if line != "ok" { problems.append("integrity check: \(line)") }
            }
        } catch {
            problems.append("integrity check: SQLite stopped checking: \(error)")
        }
        do {
            for row in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").prefix(100) {
                problems.append(
                    "foreign key check: row \(row[1] as Int64? ?? -1) of \(row[0] as String? ?? "?") refers to a missing \(row[2] as String? ?? "?") row"
                )
            }
        } catch {
            problems.append("foreign key check: SQLite could not check the file: \(error)")
        }
        return problems
    }

    static func balanceProblems(_ db: Database) throws -> [String] {
        var problems: [String] = []
        let mismatches = try Row.fetchAll(
            db,
            sql: """
                SELECT a.id, a.points, a.balance_minor, a.prepaid_minor, a.stamps,
                       COALESCE(SUM(e.points), 0) AS sum_points, COALESCE(SUM(e.amount_minor), 0) AS sum_minor,
                       COALESCE(SUM(e.prepaid_minor), 0) AS sum_prepaid, COALESCE(SUM(e.stamps), 0) AS sum_stamps
                FROM account a LEFT JOIN ledger_entry e ON e.account_id = a.id
                GROUP BY a.id
                HAVING a.points != sum_points OR a.balance_minor != sum_minor OR a.prepaid_minor != sum_prepaid
                    OR a.stamps != sum_stamps
                    OR sum_points < 0 OR sum_minor < 0 OR sum_prepaid < 0 OR sum_stamps < 0
                """)
        for row in mismatches {
            problems.append(
                "account \(row["id"] as Int64): holds \(row["points"] as Int64) points, \(row["balance_minor"] as Int64) minor units and \(row["prepaid_minor"] as Int64) minor units of prepaid, its entries sum to \(row["sum_points"] as Int64) points, \(row["sum_minor"] as Int64) minor units and \(row["sum_prepaid"] as Int64) minor units of prepaid"
                    + (row["stamps"] as Int64 == row["sum_stamps"] as Int64
                        ? ""
                        : "; it holds \(row["stamps"] as Int64) stamps, its entries sum to \(row["sum_stamps"] as Int64)")
            )
        }
        // Every till transaction and every prepaid transaction has exactly one ledger entry.
        for (table, column, name) in [
            ("prepaid_txn", "prepaid_txn_id", "prepaid transaction"), ("till_txn", "txn_id", "transaction"),
            ("stamp_txn", "stamp_txn_id", "stamp transaction"),
        ] {
            let orphans = try Row.fetchAll(
                db,
                sql: """
                    SELECT t.id, COUNT(e.id) AS n FROM \(table) t LEFT JOIN ledger_entry e ON e.\(column) = t.id
                    GROUP BY t.id HAVING n != 1
                    """)
            for row in orphans {
                problems.append("\(name) \(row["id"] as Int64) has \(row["n"] as Int) ledger entries instead of one")
            }
        }
        // An entry that moves a balance the wrong way for its kind (a redeem that added
        // points) sums up consistently, so it is looked for on its own; so is one that mixes
        // prepaid money with points or discount (a payment that took discount).
        let wrongWay = try Row.fetchAll(
            db,
            sql: """
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
                """)
        for row in wrongWay {
            problems.append(
                "ledger entry \(row["id"] as Int64): a \(row["kind"] as String) of \(row["points"] as Int64) points, \(row["amount_minor"] as Int64) minor units and \(row["prepaid_minor"] as Int64) minor units of prepaid moves a balance the wrong way for its kind"
                    + ((row["stamps"] as Int64) == 0 ? "" : " (\(row["stamps"] as Int64) stamps)")
            )
        }
        // A voucher's count of uses is its use rows, and never more than it allows.
        let vouchers = try Row.fetchAll(
            db,
            sql: """
                SELECT v.code, v.used, v.uses_allowed, COUNT(u.id) AS n FROM voucher v
                LEFT JOIN voucher_use u ON u.voucher_id = v.id
                GROUP BY v.id HAVING n != v.used OR v.used > v.uses_allowed
                """)
        for row in vouchers {
            problems.append(
                "voucher \(row["code"] as String): counted \(row["used"] as Int64) uses of \(row["uses_allowed"] as Int64) allowed, \(row["n"] as Int) recorded"
            )
        }
        return problems
    }
}
