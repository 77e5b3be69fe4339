import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PersonalData
import PostgresNIO

// Customers, as the SQLite store's LedgerDatabase+Customers: sealed at rest with the same
// key and contexts (so a migrated shop's rows open here), found by keyed hashes.
extension PostgresLedger {
    func openKey(path: String) async throws {
        let key = try await transaction { connection in
            // One core creates the key's record; the others wait and then check against it.
            try await connection.run("SELECT pg_advisory_xact_lock(7316003)", logger: self.logger)
            let known = try await connection.row(
                "SELECT value FROM meta WHERE key = 'personal-data-key'", logger: self.logger
            ).map { try $0.text("value") }
            let key = try PersonalDataKey.load(path: path, create: known == nil)
            if let known, known != key.fingerprint {
                throw LoyaltyError(
                    .internalError,
                    "The personal-data key \(path) does not belong to this database (fingerprint \(key.fingerprint), expected \(known))."
                )
            }
            if known == nil {
                try await connection.run(
                    "INSERT INTO meta (key, value) VALUES ('personal-data-key', \(key.fingerprint))",
                    logger: self.logger)
            }
            return key
        }
        keys.set(PersonalDataCipher(key: key))
    }

    func sealingContext(_ merchant: Merchant) -> String { "customer:\(merchant.id)" }

    public func register(merchant code: String?, details: CustomerDetails, consents: Consents, card: String?)
        async throws -> CustomerRecord
    {
        try details.validate()
        let number = try card.map { text throws(RuleViolation) in try CardNumber(text) }
        let cipher = try keys.cipher
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            let sealed = try cipher.seal(try LedgerRules.encodedData(details), context: self.sealingContext(merchant))
            let now = Timestamp.format(Date())
            let inserted = try await connection.row(
                """
                INSERT INTO customer (merchant_id, sealed, phone_hash, email_hash, consent_mail, consent_profiling,
                                      created_at, updated_at)
                VALUES (\(merchant.id), \(sealed), \(details.phone.flatMap { cipher.lookupHash(.phone, $0, merchant: merchant.id) }),
                        \(details.email.flatMap { cipher.lookupHash(.email, $0, merchant: merchant.id) }),
                        \(Int64(consents.mail ? 1 : 0)), \(Int64(consents.profiling ? 1 : 0)), \(now), \(now))
                RETURNING id
                """, logger: self.logger)
            let id = try inserted!.int("id")
            try await self.writeProfile(connection, merchantID: merchant.id, customer: id, details: details)
            // The welcome mail, recorded with the registration as on SQLite; `loyalgate mail
            // run --database` sends it.
            if consents.mail, details.email != nil {
                _ = try await self.enqueueMail(
                    connection, merchant: merchant, customer: id, kind: "welcome", key: "welcome:\(id)")
            }
            if let number {
                let card = try await self.requireCard(connection, merchant: merchant, number: number)
                try await self.attach(connection, merchant: merchant, customer: id, account: card.accountID)
            }
            return try await self.record(connection, merchant: merchant, id: id, cipher: cipher)
        }
    }

    public func updateCustomer(merchant code: String?, id: Int64, patch: CustomerPatch, consents: Consents?)
        async throws -> CustomerRecord
    {
        let cipher = try keys.cipher
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            let record = try await self.record(connection, merchant: merchant, id: id, cipher: cipher)
            guard let stored = record.details, record.erasedAt == nil else {
                throw LoyaltyError(.badRequest, "Customer \(id) was erased.")
            }
            let details = patch.applied(to: stored)
            try details.validate()
            let sealed = try cipher.seal(try LedgerRules.encodedData(details), context: self.sealingContext(merchant))
            let newConsents = consents ?? record.consents
            try await connection.run(
                """
                UPDATE customer SET sealed = \(sealed),
                    phone_hash = \(details.phone.flatMap { cipher.lookupHash(.phone, $0, merchant: merchant.id) }),
                    email_hash = \(details.email.flatMap { cipher.lookupHash(.email, $0, merchant: merchant.id) }),
                    consent_mail = \(Int64(newConsents.mail ? 1 : 0)),
                    consent_profiling = \(Int64(newConsents.profiling ? 1 : 0)), updated_at = \(Timestamp.format(Date()))
                WHERE id = \(id)
                """, logger: self.logger)
            try await self.writeProfile(connection, merchantID: merchant.id, customer: id, details: details)
            return try await self.record(connection, merchant: merchant, id: id, cipher: cipher)
        }
    }

    public func customer(merchant code: String?, id: Int64) async throws -> CustomerRecord {
        let cipher = try keys.cipher
        return try await read { connection in
            try await self.record(
                connection, merchant: try await self.merchant(connection, code: code), id: id, cipher: cipher)
        }
    }

    public func findCustomers(merchant code: String?, phone: String?, email: String?) async throws -> CustomerMatches {
        let cipher = try keys.cipher
        return try await read { connection in
            let merchant = try await self.merchant(connection, code: code)
            let hash: Data?
            let column: String
            if let phone {
                hash = cipher.lookupHash(.phone, phone, merchant: merchant.id)
                column = "phone_hash"
            } else if let email {
                hash = cipher.lookupHash(.email, email, merchant: merchant.id)
                column = "email_hash"
            } else {
                throw LoyaltyError(.badRequest, "Give a \"phone\" or an \"email\" to look for.")
            }
            guard let hash else { throw LoyaltyError(.badRequest, "That is not a phone number or email address.") }
            var bindings = PostgresBindings()
            try bindings.append(hash)
            bindings.append(merchant.id)
            let rows = try await connection.rows(
                PostgresQuery(
                    unsafeSQL: "SELECT id FROM customer WHERE \(column) = $1 AND merchant_id = $2 ORDER BY id LIMIT 20",
                    binds: bindings), logger: self.logger)
            var matches: [CustomerMatch] = []
            for row in rows {
                let id = try row.int("id")
                let record = try await self.record(connection, merchant: merchant, id: id, cipher: cipher)
                matches.append(
                    CustomerMatch(
                        id: id, displayName: record.displayName ?? "", cards: record.cards, accounts: record.accounts))
            }
            return CustomerMatches(customers: matches)
        }
    }

    public func erase(merchant code: String?, id: Int64) async throws {
        let cipher = try keys.cipher
        try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            _ = try await self.record(connection, merchant: merchant, id: id, cipher: cipher)
            let now = Timestamp.format(Date())
            try await connection.run(
                """
                UPDATE customer SET sealed = NULL, phone_hash = NULL, email_hash = NULL, consent_mail = 0,
                       consent_profiling = 0, erased_at = \(now), updated_at = \(now) WHERE id = \(id)
                """, logger: self.logger)
            try await self.forgetMails(connection, customer: id, answer: "the customer was erased")
            try await connection.run(
                "UPDATE card SET patient_ref = NULL WHERE account_id IN (SELECT id FROM account WHERE customer_id = \(id))",
                logger: self.logger)
            try await self.writeProfile(connection, merchantID: merchant.id, customer: id, details: nil)
        }
    }

    public func exportCustomer(merchant code: String?, id: Int64) async throws -> CustomerDataExport {
        let cipher = try keys.cipher
        return try await read { connection in
            let merchant = try await self.merchant(connection, code: code)
            let record = try await self.record(connection, merchant: merchant, id: id, cipher: cipher)
            var links: [CustomerDataExport.PatientLink] = []
            for row in try await connection.rows(
                """
                SELECT c.number, c.patient_ref FROM card c JOIN account a ON a.id = c.account_id
                WHERE a.customer_id = \(id) AND c.patient_ref IS NOT NULL ORDER BY c.id
                """, logger: self.logger)
            {
                if let sealed = try row.bytes("patient_ref") {
                    let reference = String(
                        decoding: try cipher.open(sealed, context: LedgerRules.patientContext(merchant)), as: UTF8.self)
                    links.append(.init(card: try row.text("number"), patientRef: reference))
                }
            }
            let entries = try await connection.rows(
                """
                SELECT e.*, (SELECT version FROM program_version WHERE id = e.program_version_id) AS program_version,
                       NULL::text AS applied
                FROM ledger_entry e JOIN account a ON a.id = e.account_id WHERE a.customer_id = \(id) ORDER BY e.id
                """, logger: self.logger
            ).map { try Self.historyEntry($0, merchant: merchant) }
            return CustomerDataExport(
                merchant: merchant.code, exportedAt: Timestamp.format(Date()), customer: record, patientLinks: links,
                ledger: entries)
        }
    }

    func attach(_ connection: PostgresConnection, merchant: Merchant, customer: Int64, account: Int64) async throws {
        guard
            try await connection.row(
                """
                SELECT 1 AS one FROM customer WHERE id = \(customer) AND merchant_id = \(merchant.id) AND erased_at IS NULL
                """, logger: logger) != nil
        else {
            throw LoyaltyError(.badRequest, "There is no customer \(customer) at \(merchant.code).")
        }
        let current = try await self.account(connection, id: account, lock: true).customerID
        guard current == nil || current == customer else {
            throw LoyaltyError(.badRequest, "That card's account belongs to another customer.")
        }
        try await connection.run("UPDATE account SET customer_id = \(customer) WHERE id = \(account)", logger: logger)
    }

    func record(_ connection: PostgresConnection, merchant: Merchant, id: Int64, cipher: PersonalDataCipher)
        async throws -> CustomerRecord
    {
        guard
            let row = try await connection.row(
                "SELECT * FROM customer WHERE id = \(id) AND merchant_id = \(merchant.id)", logger: logger)
        else {
            throw LoyaltyError(.badRequest, "There is no customer \(id) at \(merchant.code).")
        }
        let details = try row.bytes("sealed").map {
            try JSONDecoder().decode(CustomerDetails.self, from: try cipher.open($0, context: sealingContext(merchant)))
        }
        var accounts: [AccountView] = []
        for account in try await connection.rows(
            "SELECT id FROM account WHERE customer_id = \(id) ORDER BY id", logger: logger)
        {
            accounts.append(
                LedgerRules.view(
                    try await self.account(connection, id: try account.int("id"), lock: false), merchant: merchant))
        }
        let cards = try await connection.rows(
            """
            SELECT c.number, c.status, c.active_from FROM card c JOIN account a ON a.id = c.account_id
            WHERE a.customer_id = \(id) ORDER BY c.id
            """, logger: logger
        ).map { row in
            CardView(
                number: try row.text("number"),
                status: (CardStatus(rawValue: try row.text("status")) ?? .blocked).shown(
                    at: Date(), activeFrom: try row.optionalText("active_from").flatMap(Timestamp.parse)))
        }
        return CustomerRecord(
            id: id, details: details, displayName: details?.shownName,
            consents: Consents(
                mail: try row.int("consent_mail") != 0, profiling: try row.int("consent_profiling") != 0),
            cards: cards, accounts: accounts, createdAt: try row.text("created_at"),
            updatedAt: try row.text("updated_at"), erasedAt: try row.optionalText("erased_at"))
    }

    /// The name a till may see for an account, or nil for an anonymous card (or without a key).
    func displayName(_ connection: PostgresConnection, merchant: Merchant, account: LedgerRules.Balances) async throws
        -> String?
    {
        guard let customer = account.customerID, let cipher = try? keys.cipher,
            let sealed = try await connection.row(
                "SELECT sealed FROM customer WHERE id = \(customer)", logger: logger)?.bytes("sealed")
        else { return nil }
        return try JSONDecoder().decode(
            CustomerDetails.self, from: try cipher.open(sealed, context: sealingContext(merchant))
        ).shownName
    }

    /// One row of `e.*` with `program_version` and `applied`, as `account.history` shows it.
    static func historyEntry(_ row: PostgresRandomAccessRow, merchant: Merchant) throws -> HistoryEntry {
        LedgerRules.historyEntry(try entryColumns(row), merchant: merchant)
    }

    /// A ledger entry's columns by name (`e.*` with `program_version` and `applied`).
    static func entryColumns(_ row: PostgresRandomAccessRow) throws -> [String: (any DatabaseValueConvertible)?] {
        [
            "id": try row.int("id"), "kind": try row.text("kind"), "card_number": try row.text("card_number"),
            "till": try row.optionalText("till"), "receipt": try row.optionalText("receipt"),
            "points": try row.int("points"), "amount_minor": try row.int("amount_minor"),
            "shortfall_points": try row.int("shortfall_points"), "shortfall_minor": try row.int("shortfall_minor"),
            "program_version": try row.optionalInt("program_version"), "at": try row.text("at"),
            "recorded_at": try row.text("recorded_at"), "prepaid_minor": try row.int("prepaid_minor"),
            "stamps": try row.int("stamps"), "applied": try row.optionalText("applied"),
        ]
    }
}
