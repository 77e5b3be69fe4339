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

    /// What an import did.
    public struct CustomerImportSummary: Sendable, Equatable {
        /// Rows registered by this run.
        public var imported: Int
        /// Rows an earlier run of the same file had already registered (same card, same details
        /// and consents): an import killed half-way is finished by running it again.
        public var skipped: Int
    }

    /// One checked row of an import file.
    public struct CustomerImportRow: Sendable, Equatable {
        /// The row's line in the file (the header is line 1), for messages.
        public var line: Int
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
                        line: line, card: card, details: details,
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
    /// transactions of `rowsPerTransaction`, each sealed like a single registration, and
    /// `progress(written, total)` is told after each commit.
    ///
    /// Resumable: the card number is the row's key. A row whose card is already registered at
    /// the merchant with exactly this row's details and consents was written by an earlier run
    /// of this file that was interrupted, and is skipped; a card registered with anything else is
    /// refused before anything is written. Each transaction is short, so the running core's
    /// writes are never held up for long.
    public func importCustomers(
        merchant code: String?, csv url: URL, rowsPerTransaction: Int = 20_000,
        progress: (_ written: Int, _ total: Int) -> Void = { _, _ in }
    ) throws -> CustomerImportSummary {
        guard let stream = InputStream(url: url) else { throw LoyaltyError(.badRequest, "Cannot read \(url.path).") }
        let rows = try Self.readCustomerImport(stream)
        let merchant = try writer.read { db in try Self.merchant(db, code: code) }
        let encoder = Self.answerEncoder
        let pending = try writer.read { db in
            try rows.filter { row in
                guard let card = try Self.card(db, merchant: merchant, number: row.card) else { return true }
                guard try self.holds(db, card: card, row: row, merchant: merchant) else {
                    throw LoyaltyError(
                        .badRequest,
                        "Line \(row.line): card \(row.card) is already registered at \(merchant.code) with other details or consents than this file gives; nothing was imported by this run."
                    )
                }
                return false
            }
        }
        let step = max(1, rowsPerTransaction)
        for start in stride(from: 0, to: pending.count, by: step) {
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
                for row in pending[start..<min(start + step, pending.count)] {
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
            progress(min(start + step, pending.count), pending.count)
        }
        return CustomerImportSummary(imported: pending.count, skipped: rows.count - pending.count)
    }

    /// Whether `card` is the one an import of `row` registers: active, on an account of its own
    /// customer whose sealed details and consents are exactly the row's.
    private func holds(_ db: Database, card: CardRow, row: CustomerImportRow, merchant: Merchant) throws -> Bool {
        guard card.status == .active,
            let customer = try Row.fetchOne(
                db,
                sql: """
                    SELECT c.sealed, c.consent_mail, c.consent_profiling FROM account a JOIN customer c ON c.id = a.customer_id
                    WHERE a.id = ?
                    """, arguments: [card.accountID]),
            let sealed = customer["sealed"] as Data?
        else { return false }
        let stored = try cipher.open(sealed, context: sealingContext(merchant))
        return stored == (try Self.answerEncoder.encode(row.details))
            && customer["consent_mail"] as Bool == row.consents.mail
            && customer["consent_profiling"] as Bool == row.consents.profiling
    }
}
