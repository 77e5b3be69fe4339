import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain

/// Households: several cards, each with its own number, on one account. Pooling and splitting
/// move balances with transfer entries, so the ledger still shows which card earned what.
extension LedgerDatabase {
    /// Puts `card` on the account of `into`. If that leaves the card's old account without a
    /// card, the old account's whole balance moves along; otherwise it stays with the cards left.
    public func pool(merchant code: String?, card text: String, into target: String) async throws -> HouseholdAnswer {
        let number = try CardNumber(text)
        let targetNumber = try CardNumber(target)
        return try await write { db in
            let merchant = try Self.merchant(db, code: code)
            let card = try Self.requireCard(db, merchant: merchant, number: number)
            let into = try Self.requireCard(db, merchant: merchant, number: targetNumber)
            for side in [card, into] { try side.status.requireMayJoinHousehold(card: side.number) }
            guard card.accountID != into.accountID else {
                throw LoyaltyError(.badRequest, "Cards \(number) and \(targetNumber) already share an account.")
            }
            let source = try Self.account(db, id: card.accountID)
            let destination = try Self.account(db, id: into.accountID)
            try LedgerRules.checkSameHousehold(LedgerRules.Balances(source), LedgerRules.Balances(destination))
            try db.execute(sql: "UPDATE card SET account_id = ? WHERE id = ?", arguments: [destination.id, card.id])
            let left =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM card WHERE account_id = ?", arguments: [source.id]) ?? 0
            if left == 0 {
                try LedgerRules.checkPoolable(
                    LedgerRules.Balances(source), into: LedgerRules.Balances(destination), card: number.digits,
                    target: targetNumber.digits)
                try Self.transfer(
                    db, merchant: merchant, card: card.number, from: source.id, to: destination.id,
                    points: source.points, minor: source.balanceMinor, prepaid: source.prepaidMinor,
                    stamps: source.stamps)
            }
            if destination.customerID == nil, let customer = source.customerID {
                try db.execute(
                    sql: "UPDATE account SET customer_id = ? WHERE id = ?", arguments: [customer, destination.id])
            }
            return try Self.household(db, merchant: merchant, account: destination.id)
        }
    }

    /// Takes `card` out of its household onto a new account of the same customer, taking
    /// `points` and `amount` of the balance along (none by default).
    public func split(merchant code: String?, card text: String, points: Int64, amount: String?) async throws
        -> HouseholdAnswer
    {
        let number = try CardNumber(text)
        return try await write { db in
            let merchant = try Self.merchant(db, code: code)
            let card = try Self.requireCard(db, merchant: merchant, number: number)
            let household = try Self.account(db, id: card.accountID)
            let others =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM card WHERE account_id = ? AND id != ?",
                    arguments: [household.id, card.id]) ?? 0
            guard others > 0 else { throw LoyaltyError(.badRequest, "Card \(number) is alone on its account.") }
            let minor = try LedgerRules.splitShare(
                LedgerRules.Balances(household), points: points, amount: amount, merchant: merchant)
            let accountID = try Self.insertAccount(db, merchant: merchant, member: household.member)
            try db.execute(
                sql: "UPDATE account SET customer_id = ? WHERE id = ?", arguments: [household.customerID, accountID])
            try db.execute(sql: "UPDATE card SET account_id = ? WHERE id = ?", arguments: [accountID, card.id])
            try Self.transfer(
                db, merchant: merchant, card: card.number, from: household.id, to: accountID, points: points,
                minor: minor)
            return try Self.household(db, merchant: merchant, account: accountID)
        }
    }

    static func transfer(
        _ db: Database, merchant: Merchant, card: String, from: Int64, to: Int64, points: Int64, minor: Int64,
        prepaid: Int64 = 0, stamps: Int64 = 0
    ) throws {
        // Prepaid money moves as prepaid money, stamps as stamps: each balance keeps its own kind.
        guard points != 0 || minor != 0 || prepaid != 0 || stamps != 0 else { return }
        let at = nowText()
        try appendEntry(
            db,
            Entry(
                merchantID: merchant.id, accountID: from, card: card, kind: "transfer-out", points: -points,
                minor: -minor, prepaid: -prepaid, stamps: -stamps, at: at))
        try appendEntry(
            db,
            Entry(
                merchantID: merchant.id, accountID: to, card: card, kind: "transfer-in", points: points, minor: minor,
                prepaid: prepaid, stamps: stamps, at: at))
    }

    static func household(_ db: Database, merchant: Merchant, account: Int64) throws -> HouseholdAnswer {
        let cards = try Row.fetchAll(
            db, sql: "SELECT * FROM card WHERE account_id = ? ORDER BY id", arguments: [account]
        )
        .map(cardRow).map(\.view)
        return HouseholdAnswer(account: view(try self.account(db, id: account), merchant: merchant), cards: cards)
    }
}
