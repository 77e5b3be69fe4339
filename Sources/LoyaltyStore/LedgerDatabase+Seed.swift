import GRDB
import LoyalgateProtocol
import LoyaltyDomain

extension LedgerDatabase {
    /// Fills an empty merchant with `cards` active cards and `entriesPerCard` earn entries each,
    /// in one transaction, for benchmarks at shop-chain scale. Balances equal the entries, so
    /// `verify` passes on the result.
    public func seedForBenchmark(merchant code: String, cards: Int, entriesPerCard: Int) throws {
        try writer.write { db in
            let merchant = try Self.merchant(db, code: code)
            guard let prefix = merchant.cardPrefix else {
                throw LoyaltyError(.badRequest, "The benchmark merchant needs a card prefix.")
            }
            let (versionID, _) = try self.currentProgram(db, merchant: merchant)
            let now = nowText()
            let firstAccount = (try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM account") ?? 0) + 1
            let account = try db.makeStatement(
                sql: """
                    INSERT INTO account (id, merchant_id, points, balance_minor, member, created_at) VALUES (?, ?, ?, 0, 0, ?)
                    """)
            let card = try db.makeStatement(
                sql: """
                    INSERT INTO card (merchant_id, number, account_id, status, created_at) VALUES (?, ?, ?, 'active', ?)
                    """)
            let entry = try db.makeStatement(
                sql: """
                    INSERT INTO ledger_entry (merchant_id, account_id, card_number, kind, points, amount_minor, program_version_id, at, recorded_at)
                    VALUES (?, ?, ?, 'earn', 1, 0, ?, ?, ?)
                    """)
            for serial in 0..<cards {
                let accountID = firstAccount + Int64(serial)
                let number = try CardNumber(prefix: prefix, serial: Int64(serial)).digits
                try account.execute(arguments: [accountID, merchant.id, entriesPerCard, now])
                try card.execute(arguments: [merchant.id, number, accountID, now])
                for _ in 0..<entriesPerCard {
                    try entry.execute(arguments: [merchant.id, accountID, number, versionID, now, now])
                }
            }
        }
    }
}
