import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PersonalData
import PostgresNIO

// Changes to accounts, as the SQLite store's LedgerDatabase+AccountChanges, +Households and
// +CardLife (`card.link-patient`): membership from a time on, a person detached from a card,
// households pooled and split with transfer entries. Every account a step moves is locked
// first (`SELECT ... FOR UPDATE`), so a spend on another core waits for the transfer and then
// reads what is left.
extension PostgresLedger {
    public func setMembership(merchant code: String?, card text: String, member: Bool, at instant: Date) async throws
        -> CardLookupAnswer
    {
        let number = try CardNumber(text)
        try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            let card = try await self.requireCard(connection, merchant: merchant, number: number)
            let account = try await self.account(connection, id: card.accountID, lock: true)
            // Already so (a retry): nothing to do, nothing recorded.
            guard account.member != member else { return }
            try await connection.run(
                "UPDATE account SET member = \(Int64(member ? 1 : 0)) WHERE id = \(account.id)", logger: self.logger)
            try await connection.run(
                """
                INSERT INTO account_change (merchant_id, account_id, card_number, kind, member, previous_member, from_at)
                VALUES (\(merchant.id), \(account.id), \(card.number), 'membership', \(Int64(member ? 1 : 0)),
                        \(Int64(account.member ? 1 : 0)), \(Timestamp.format(instant)))
                """, logger: self.logger)
        }
        return try await lookup(merchant: code, card: text)
    }

    public func detach(merchant code: String?, card text: String, at instant: Date) async throws -> CardLookupAnswer {
        let number = try CardNumber(text)
        try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            let card = try await self.requireCard(connection, merchant: merchant, number: number)
            let account = try await self.account(connection, id: card.accountID, lock: true)
            // Nobody on the card (already detached, a retry): nothing to do, nothing recorded.
            guard account.customerID != nil || card.patientRef != nil else { return }
            try await connection.run(
                "UPDATE account SET customer_id = NULL WHERE id = \(account.id)", logger: self.logger)
            // The patient reference is the person's too: whoever holds the card next must not see it.
            try await connection.run("UPDATE card SET patient_ref = NULL WHERE id = \(card.id)", logger: self.logger)
            try await connection.run(
                """
                INSERT INTO account_change (merchant_id, account_id, card_number, kind, from_at)
                VALUES (\(merchant.id), \(account.id), \(card.number), 'detach', \(Timestamp.format(instant)))
                """, logger: self.logger)
        }
        return try await lookup(merchant: code, card: text)
    }

    public func linkPatient(merchant code: String?, card text: String, patientRef: String?) async throws {
        let number = try CardNumber(text)
        try LedgerRules.checkPatientRef(patientRef)
        let cipher = try keys.cipher
        try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            let card = try await self.requireCard(connection, merchant: merchant, number: number)
            let sealed = try patientRef.map {
                try cipher.seal(Data($0.utf8), context: LedgerRules.patientContext(merchant))
            }
            try await connection.run(
                "UPDATE card SET patient_ref = \(sealed) WHERE id = \(card.id)", logger: self.logger)
        }
    }

    /// The card's patient reference, unsealed; nil without one (or on a core without the key).
    func patientRef(_ card: CardRow, merchant: Merchant) throws -> String? {
        guard let sealed = card.patientRef, let cipher = try? keys.cipher else { return nil }
        return String(decoding: try cipher.open(sealed, context: LedgerRules.patientContext(merchant)), as: UTF8.self)
    }

    public func pool(merchant code: String?, card text: String, into target: String) async throws -> HouseholdAnswer {
        let number = try CardNumber(text)
        let targetNumber = try CardNumber(target)
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            let card = try await self.lockedCard(connection, merchant: merchant, number: number)
            let into = try await self.lockedCard(connection, merchant: merchant, number: targetNumber)
            for side in [card, into] { try side.status.requireMayJoinHousehold(card: side.number) }
            guard card.accountID != into.accountID else {
                throw LoyaltyError(.badRequest, "Cards \(number) and \(targetNumber) already share an account.")
            }
            let (source, destination) = try await self.lockPair(connection, card.accountID, into.accountID)
            try LedgerRules.checkSameHousehold(source, destination)
            try await connection.run(
                "UPDATE card SET account_id = \(destination.id) WHERE id = \(card.id)", logger: self.logger)
            let left = try await connection.row(
                "SELECT COUNT(*) AS n FROM card WHERE account_id = \(source.id)", logger: self.logger)!.int("n")
            if left == 0 {
                try LedgerRules.checkPoolable(
                    source, into: destination, card: number.digits, target: targetNumber.digits)
                try await self.transfer(
                    connection, merchant: merchant, card: card.number, from: source, to: destination,
                    points: source.points, minor: source.balanceMinor, prepaid: source.prepaidMinor,
                    stamps: source.stamps)
            }
            if destination.customerID == nil, let customer = source.customerID {
                try await connection.run(
                    "UPDATE account SET customer_id = \(customer) WHERE id = \(destination.id)", logger: self.logger)
            }
            return try await self.household(connection, merchant: merchant, account: destination.id)
        }
    }

    public func split(merchant code: String?, card text: String, points: Int64, amount: String?) async throws
        -> HouseholdAnswer
    {
        let number = try CardNumber(text)
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            let card = try await self.lockedCard(connection, merchant: merchant, number: number)
            let household = try await self.account(connection, id: card.accountID, lock: true)
            let others = try await connection.row(
                "SELECT COUNT(*) AS n FROM card WHERE account_id = \(household.id) AND id != \(card.id)",
                logger: self.logger)!.int("n")
            guard others > 0 else { throw LoyaltyError(.badRequest, "Card \(number) is alone on its account.") }
            let minor = try LedgerRules.splitShare(household, points: points, amount: amount, merchant: merchant)
            let accountID = try await connection.row(
                """
                INSERT INTO account (merchant_id, member, customer_id, created_at)
                VALUES (\(merchant.id), \(Int64(household.member ? 1 : 0)), \(household.customerID),
                        \(Timestamp.format(Date()))) RETURNING id
                """, logger: self.logger)!.int("id")
            try await connection.run(
                "UPDATE card SET account_id = \(accountID) WHERE id = \(card.id)", logger: self.logger)
            let fresh = try await self.account(connection, id: accountID, lock: true)
            try await self.transfer(
                connection, merchant: merchant, card: card.number, from: household, to: fresh, points: points,
                minor: minor)
            return try await self.household(connection, merchant: merchant, account: accountID)
        }
    }

    /// The card, its row locked: a pool or split of it on another core waits, so the account it
    /// is on cannot change under this step.
    func lockedCard(_ connection: PostgresConnection, merchant: Merchant, number: CardNumber) async throws -> CardRow {
        guard
            try await connection.row(
                "SELECT id FROM card WHERE merchant_id = \(merchant.id) AND number = \(number.digits) FOR UPDATE",
                logger: logger) != nil
        else {
            throw LoyaltyError(.unknownCard, "Card \(number) is not a card of \(merchant.name).")
        }
        return try await requireCard(connection, merchant: merchant, number: number)
    }

    /// Two accounts locked, the lower id first, so that two cores locking the same pair cannot
    /// wait for each other (a deadlock would still only cost a retry).
    func lockPair(_ connection: PostgresConnection, _ first: Int64, _ second: Int64) async throws -> (
        LedgerRules.Balances, LedgerRules.Balances
    ) {
        if first < second {
            let a = try await account(connection, id: first, lock: true)
            return (a, try await account(connection, id: second, lock: true))
        }
        let b = try await account(connection, id: second, lock: true)
        return (try await account(connection, id: first, lock: true), b)
    }

    /// A transfer between two locked accounts: a `transfer-out` and a `transfer-in` entry with
    /// the card that moved, each balance kind as itself (as `LedgerDatabase.transfer`).
    func transfer(
        _ connection: PostgresConnection, merchant: Merchant, card: String, from: LedgerRules.Balances,
        to: LedgerRules.Balances, points: Int64, minor: Int64, prepaid: Int64 = 0, stamps: Int64 = 0
    ) async throws {
        guard points != 0 || minor != 0 || prepaid != 0 || stamps != 0 else { return }
        let at = Timestamp.format(Date())
        for (account, sign, kind) in [(from, Int64(-1), "transfer-out"), (to, Int64(1), "transfer-in")] {
            // Checked in Swift first: the wrong way, below zero or past the limit is refused with
            // the same sentence as on SQLite.
            _ = try LedgerRules.moved(
                account, points: sign * points, minor: sign * minor, prepaid: sign * prepaid, stamps: sign * stamps,
                kind: kind)
            try await connection.run(
                """
                INSERT INTO ledger_entry (merchant_id, account_id, card_number, kind, points, amount_minor, at,
                                          recorded_at, prepaid_minor, stamps)
                VALUES (\(merchant.id), \(account.id), \(card), \(kind), \(sign * points), \(sign * minor), \(at), \(at),
                        \(sign * prepaid), \(sign * stamps))
                """, logger: logger)
            try await connection.run(
                """
                UPDATE account SET points = points + \(sign * points), balance_minor = balance_minor + \(sign * minor),
                       prepaid_minor = prepaid_minor + \(sign * prepaid), stamps = stamps + \(sign * stamps)
                WHERE id = \(account.id)
                """, logger: logger)
        }
    }

    /// The household's account and its cards, as `account.pool` and `account.split` answer.
    func household(_ connection: PostgresConnection, merchant: Merchant, account: Int64) async throws
        -> HouseholdAnswer
    {
        let cards = try await connection.rows(
            "SELECT number, status, active_from FROM card WHERE account_id = \(account) ORDER BY id", logger: logger
        ).map { row in
            CardView(
                number: try row.text("number"),
                status: (CardStatus(rawValue: try row.text("status")) ?? .blocked).shown(
                    at: Date(), activeFrom: try row.optionalText("active_from").flatMap(Timestamp.parse)))
        }
        return HouseholdAnswer(
            account: LedgerRules.view(try await self.account(connection, id: account, lock: false), merchant: merchant),
            cards: cards)
    }
}
