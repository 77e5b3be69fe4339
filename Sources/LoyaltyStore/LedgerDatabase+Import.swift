import CSV
import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain
import PersonalData

extension LedgerDatabase {
    static let importColumns = [
        "card", "name", "display_name", "address", "postcode", "email", "phone", "birth_date",
        "gender", "consent_mail", "consent_profiling",
    ]

    /// One checked row of an import file.
    public struct CustomerImportRow: Sendable, Equatable {
        public var card: CardNumber
        public var details: CustomerDetails
        public var consents: Consents
    }

    /// Reads and checks a whole import file without touching the database: the bytes come from
    /// another program's export, so this part alone is what the import fuzz target runs.
    public static func readCustomerImport(_ stream: InputStream) throws -> [CustomerImportRow] {
        let reader = try CSVReader(stream: stream, hasHeaderRow: true)
        let header = reader.headerRow ?? []
        guard header.contains("card"), header.contains("name") else {
            throw LoyaltyError(.badRequest, "The CSV needs a header row with at least \"card\" and \"name\".")
        }
        for column in header where !Self.importColumns.contains(column) {
            throw LoyaltyError(
                .badRequest,
                "Unknown column \"\(column)\"; the columns are \(Self.importColumns.joined(separator: ", ")).")
        }
        var rows: [CustomerImportRow] = []
        var seen = Set<String>()
        var line = 1
        while reader.next() != nil {
            line += 1
            func field(_ name: String) -> String? {
                guard let value = reader[name], !value.isEmpty else { return nil }
                return value
            }
            do {
                let card = try CardNumber(field("card") ?? "")
                guard seen.insert(card.digits).inserted else {
                    throw LoyaltyError(.badRequest, "card \(card) appears twice")
                }
                let details = CustomerDetails(
                    name: field("name") ?? "", displayName: field("display_name"), address: field("address"),
                    postcode: field("postcode"),
                    email: field("email"), phone: field("phone"), birthDate: field("birth_date"),
                    gender: field("gender"))
                try details.validate()
                rows.append(
                    CustomerImportRow(
                        card: card, details: details,
                        consents: Consents(
                            mail: field("consent_mail") == "1" || field("consent_mail") == "true",
                            profiling: field("consent_profiling") == "1" || field("consent_profiling") == "true")))
            } catch let error as LoyaltyError {
                throw LoyaltyError(.badRequest, "Line \(line): \(error.message)")
            } catch let violation as RuleViolation {
                throw LoyaltyError(.badRequest, "Line \(line): \(violation.message)")
            }
        }
        return rows
    }

    /// Registers customers with their cards from a CSV file (header row with `importColumns`;
    /// only `card` and `name` are required). The whole file is checked first, so a bad row is
    /// reported with its line number before anything is written; then rows are written in
    /// transactions of 20,000, each sealed like a single registration.
    public func importCustomers(merchant code: String?, csv url: URL) throws -> Int {
        guard let stream = InputStream(url: url) else { throw LoyaltyError(.badRequest, "Cannot read \(url.path).") }
        let rows = try Self.readCustomerImport(stream)
        let merchant = try writer.read { db in try Self.merchant(db, code: code) }
        try writer.read { db in
            for row in rows where try Self.card(db, merchant: merchant, number: row.card) != nil {
                throw LoyaltyError(
                    .badRequest, "Card \(row.card) is already registered at \(merchant.code); nothing was imported.")
            }
        }
        let encoder = Self.answerEncoder
        for start in stride(from: 0, to: rows.count, by: 20_000) {
            try writer.write { db in
                let now = nowText()
                let customer = try db.makeStatement(
                    sql: """
                        INSERT INTO customer (merchant_id, sealed, phone_hash, email_hash, consent_mail, consent_profiling, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                let account = try db.makeStatement(
                    sql: "INSERT INTO account (merchant_id, customer_id, created_at) VALUES (?, ?, ?)")
                let card = try db.makeStatement(
                    sql:
                        "INSERT INTO card (merchant_id, number, account_id, status, created_at) VALUES (?, ?, ?, 'active', ?)"
                )
                for row in rows[start..<min(start + 20_000, rows.count)] {
                    let sealed = try cipher.seal(try encoder.encode(row.details), context: sealingContext(merchant))
                    try customer.execute(arguments: [
                        merchant.id, sealed,
                        row.details.phone.flatMap { cipher.lookupHash(.phone, $0, merchant: merchant.id) },
                        row.details.email.flatMap { cipher.lookupHash(.email, $0, merchant: merchant.id) },
                        row.consents.mail, row.consents.profiling, now, now,
                    ])
                    try account.execute(arguments: [merchant.id, db.lastInsertedRowID, now])
                    try card.execute(arguments: [merchant.id, row.card.digits, db.lastInsertedRowID, now])
                }
            }
        }
        return rows.count
    }
}
