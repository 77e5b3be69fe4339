import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain
import PersonalData

/// Customers: registered once, sealed at rest, found at the till by phone or email through keyed
/// hashes, exported or erased on request.
extension LedgerDatabase {
    func sealingContext(_ merchant: Merchant) -> String { "customer:\(merchant.id)" }

    /// Registers a customer, optionally on the account of a card the customer holds.
    public func register(merchant code: String?, details: CustomerDetails, consents: Consents, card: String?)
        async throws -> CustomerRecord
    {
        try details.validate()
        let number = try card.map { text throws(RuleViolation) in try CardNumber(text) }
        return try await write { db in
            let merchant = try Self.merchant(db, code: code)
            let sealed = try self.cipher.seal(
                try Self.answerEncoder.encode(details), context: self.sealingContext(merchant))
            try db.execute(
                sql: """
                    INSERT INTO customer (merchant_id, sealed, phone_hash, email_hash, consent_mail, consent_profiling, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    merchant.id, sealed,
                    details.phone.flatMap { self.cipher.lookupHash(.phone, $0, merchant: merchant.id) },
                    details.email.flatMap { self.cipher.lookupHash(.email, $0, merchant: merchant.id) },
                    consents.mail, consents.profiling, nowText(), nowText(),
                ])
            let id = db.lastInsertedRowID
            try Self.writeProfile(db, merchantID: merchant.id, customer: id, details: details)
            // The welcome mail is recorded with the registration, in the same transaction:
            // `loyalgate mail run` sends it; without consent or address there is none.
            if consents.mail, details.email != nil {
                try Self.enqueueMail(db, merchant: merchant, customer: id, kind: "welcome", key: "welcome:\(id)")
            }
            if let number {
                try Self.attach(
                    db, merchant: merchant, customer: id,
                    account: try Self.requireCard(db, merchant: merchant, number: number).accountID)
            }
            return try self.record(db, merchant: merchant, id: id)
        }
    }

    /// Changes personal data (fields given replace the stored ones) and consents.
    public func updateCustomer(merchant code: String?, id: Int64, patch: CustomerPatch, consents: Consents?)
        async throws -> CustomerRecord
    {
        try await write { db in
            let merchant = try Self.merchant(db, code: code)
            var record = try self.record(db, merchant: merchant, id: id)
            guard let stored = record.details, record.erasedAt == nil else {
                throw LoyaltyError(.badRequest, "Customer \(id) was erased.")
            }
            let details = patch.applied(to: stored)
            try details.validate()
            let sealed = try self.cipher.seal(
                try Self.answerEncoder.encode(details), context: self.sealingContext(merchant))
            let newConsents = consents ?? record.consents
            try db.execute(
                sql: """
                    UPDATE customer SET sealed = ?, phone_hash = ?, email_hash = ?, consent_mail = ?, consent_profiling = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    sealed, details.phone.flatMap { self.cipher.lookupHash(.phone, $0, merchant: merchant.id) },
                    details.email.flatMap { self.cipher.lookupHash(.email, $0, merchant: merchant.id) },
                    newConsents.mail, newConsents.profiling, nowText(), id,
                ])
            try Self.writeProfile(db, merchantID: merchant.id, customer: id, details: details)
            record = try self.record(db, merchant: merchant, id: id)
            return record
        }
    }

    public func customer(merchant code: String?, id: Int64) async throws -> CustomerRecord {
        try await read { db in try self.record(db, merchant: try Self.merchant(db, code: code), id: id) }
    }

    /// A till's look-up of a customer who forgot the card: by phone or by email.
    public func findCustomers(merchant code: String?, phone: String?, email: String?) async throws -> CustomerMatches {
        try await read { db in
            let merchant = try Self.merchant(db, code: code)
            let hash: Data?
            let column: String
            if let phone {
                hash = self.cipher.lookupHash(.phone, phone, merchant: merchant.id)
                column = "phone_hash"
            } else if let email {
                hash = self.cipher.lookupHash(.email, email, merchant: merchant.id)
                column = "email_hash"
            } else {
                throw LoyaltyError(.badRequest, "Give a \"phone\" or an \"email\" to look for.")
            }
            guard let hash else { throw LoyaltyError(.badRequest, "That is not a phone number or email address.") }
            let ids = try Int64.fetchAll(
                db, sql: "SELECT id FROM customer WHERE \(column) = ? AND merchant_id = ? ORDER BY id LIMIT 20",
                arguments: [hash, merchant.id])
            return CustomerMatches(
                customers: try ids.map { id in
                    let record = try self.record(db, merchant: merchant, id: id)
                    return CustomerMatch(
                        id: id, displayName: record.displayName ?? "", cards: record.cards, accounts: record.accounts)
                })
        }
    }

    /// Erases a customer's personal data for good. The accounts, cards and ledger stay, no longer
    /// linked to anyone who can be named, so balances and `verify` are unchanged.
    public func erase(merchant code: String?, id: Int64) async throws {
        try await write { db in
            let merchant = try Self.merchant(db, code: code)
            _ = try self.record(db, merchant: merchant, id: id)
            try db.execute(
                sql: """
                    UPDATE customer SET sealed = NULL, phone_hash = NULL, email_hash = NULL, consent_mail = 0, consent_profiling = 0,
                           erased_at = ?, updated_at = ? WHERE id = ?
                    """, arguments: [nowText(), nowText(), id])
            try Self.forgetMails(db, customer: id, answer: "the customer was erased")
            try Self.writeProfile(db, merchantID: merchant.id, customer: id, details: nil)
            try db.execute(
                sql:
                    "UPDATE card SET patient_ref = NULL WHERE account_id IN (SELECT id FROM account WHERE customer_id = ?)",
                arguments: [id])
        }
    }

    static func attach(_ db: Database, merchant: Merchant, customer: Int64, account: Int64) throws {
        guard
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM customer WHERE id = ? AND merchant_id = ? AND erased_at IS NULL",
                arguments: [customer, merchant.id]) == 1
        else {
            throw LoyaltyError(.badRequest, "There is no customer \(customer) at \(merchant.code).")
        }
        let current = try Self.account(db, id: account).customerID
        guard current == nil || current == customer else {
            throw LoyaltyError(.badRequest, "That card's account belongs to another customer.")
        }
        try db.execute(sql: "UPDATE account SET customer_id = ? WHERE id = ?", arguments: [customer, account])
    }

    func record(_ db: Database, merchant: Merchant, id: Int64) throws -> CustomerRecord {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM customer WHERE id = ? AND merchant_id = ?", arguments: [id, merchant.id])
        else {
            throw LoyaltyError(.badRequest, "There is no customer \(id) at \(merchant.code).")
        }
        let details = try (row["sealed"] as Data?).map {
            try JSONDecoder().decode(CustomerDetails.self, from: try cipher.open($0, context: sealingContext(merchant)))
        }
        let accounts = try Int64.fetchAll(
            db, sql: "SELECT id FROM account WHERE customer_id = ? ORDER BY id", arguments: [id]
        )
        .map { Self.view(try Self.account(db, id: $0), merchant: merchant) }
        let cards = try Row.fetchAll(
            db,
            sql: """
                SELECT c.* FROM card c JOIN account a ON a.id = c.account_id WHERE a.customer_id = ? ORDER BY c.id
                """, arguments: [id]
        ).map(Self.cardRow).map(\.view)
        return CustomerRecord(
            id: id, details: details, displayName: details?.shownName,
            consents: Consents(mail: row["consent_mail"], profiling: row["consent_profiling"]),
            cards: cards, accounts: accounts, createdAt: row["created_at"], updatedAt: row["updated_at"],
            erasedAt: row["erased_at"])
    }

    /// The display name a till may see for an account, or nil for an anonymous card.
    func displayName(_ db: Database, merchant: Merchant, account: AccountRow) throws -> String? {
        guard let customer = account.customerID,
            let sealed = try Data.fetchOne(
                db.cachedStatement(sql: "SELECT sealed FROM customer WHERE id = ?"), arguments: [customer])
        else { return nil }
        return try JSONDecoder().decode(
            CustomerDetails.self, from: try cipher.open(sealed, context: sealingContext(merchant))
        ).shownName
    }
}
