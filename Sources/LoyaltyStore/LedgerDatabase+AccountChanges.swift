import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain

/// Changes to an account that move no money: membership (Bulgarian cooperative: members earn
/// more, from the day the form is accepted) and a person detached from a card (Belgian
/// regulation, article 7). Both are kept in `account_change`, shown by `account.history`.
extension LedgerDatabase {
    /// Grants or withdraws membership from now on. Sales made before (a till sending late)
    /// keep the membership of their own time.
    public func setMembership(merchant code: String?, card text: String, member: Bool, at instant: Date = Date())
        async throws -> CardLookupAnswer
    {
        let number = try CardNumber(text)
        try await write { db in
            let merchant = try Self.merchant(db, code: code)
            let card = try Self.requireCard(db, merchant: merchant, number: number)
            let account = try Self.account(db, id: card.accountID)
            guard account.member != member else { return }
            try db.execute(sql: "UPDATE account SET member = ? WHERE id = ?", arguments: [member, account.id])
            try db.execute(
                sql: """
                    INSERT INTO account_change (merchant_id, account_id, card_number, kind, member, previous_member, from_at)
                    VALUES (?, ?, ?, 'membership', ?, ?, ?)
                    """,
                arguments: [merchant.id, account.id, card.number, member, account.member, Timestamp.format(instant)])
        }
        return try await lookup(merchant: code, card: text)
    }

    /// Whether `account` was a member at `instant`: the latest change at or before it, else the
    /// state before the first change after it, else the account's (never changed) flag.
    static func member(_ db: Database, account: AccountRow, at instant: Date) throws -> Bool {
        let at = Timestamp.format(instant)
        // Cached statements: this runs for every earn and return.
        if let before = try Bool.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT member FROM account_change WHERE account_id = ? AND kind = 'membership' AND from_at <= ?
                    ORDER BY from_at DESC, id DESC LIMIT 1
                    """), arguments: [account.id, at])
        {
            return before
        }
        if let after = try Bool.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT previous_member FROM account_change WHERE account_id = ? AND kind = 'membership' AND from_at > ?
                    ORDER BY from_at, id LIMIT 1
                    """), arguments: [account.id, at])
        {
            return after
        }
        return account.member
    }

    /// Takes the person off the card's account (loss, theft, a changed household) without
    /// erasing them: the customer record stays, findable and erasable; the ledger and the
    /// balance stay with the card, which earned them.
    public func detach(merchant code: String?, card text: String, at instant: Date = Date()) async throws
        -> CardLookupAnswer
    {
        let number = try CardNumber(text)
        try await write { db in
            let merchant = try Self.merchant(db, code: code)
            let card = try Self.requireCard(db, merchant: merchant, number: number)
            let account = try Self.account(db, id: card.accountID)
            // Nobody on the card (already detached, a retry): nothing to do, nothing recorded.
            guard account.customerID != nil || card.patientRef != nil else { return }
            try db.execute(sql: "UPDATE account SET customer_id = NULL WHERE id = ?", arguments: [account.id])
            // The pharmacy's patient reference on this card is the person's too: whoever holds
            // the card next must not be shown it.
            try db.execute(sql: "UPDATE card SET patient_ref = NULL WHERE id = ?", arguments: [card.id])
            try db.execute(
                sql: """
                    INSERT INTO account_change (merchant_id, account_id, card_number, kind, from_at)
                    VALUES (?, ?, ?, 'detach', ?)
                    """, arguments: [merchant.id, account.id, card.number, Timestamp.format(instant)])
        }
        return try await lookup(merchant: code, card: text)
    }

    /// The account's changes, newest first, for `account.history`.
    static func accountChanges(_ db: Database, account: Int64, limit: Int) throws -> [AccountChange] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT kind, card_number, member, from_at FROM account_change WHERE account_id = ?
                ORDER BY id DESC LIMIT ?
                """, arguments: [account, limit]
        ).map { AccountChange(kind: $0["kind"], card: $0["card_number"], member: $0["member"], at: $0["from_at"]) }
    }
}
