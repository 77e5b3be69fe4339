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
        let context = sealingContext(merchant)
        for start in stride(from: 0, to: pending.count, by: step) {
            let chunk = Array(pending[start..<min(start + step, pending.count)])
            // Sealing (AES-GCM) and hashing (HMAC) are most of an import's CPU and touch no
            // database: done for the whole chunk on every core first, so the write transaction
            // only inserts.
            let sealed = try Self.sealInParallel(chunk, cipher: cipher, context: context, merchantID: merchant.id)
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
                for (row, sealedRow) in zip(chunk, sealed) {
                    try customer.execute(arguments: [
                        merchant.id, sealedRow.sealed, sealedRow.phoneHash, sealedRow.emailHash,
                        row.consents.mail, row.consents.profiling, now, now,
                    ])
                    let customerID = db.lastInsertedRowID
                    try Self.writeProfile(db, merchantID: merchant.id, customer: customerID, details: row.details)
                    try account.execute(arguments: [merchant.id, customerID, now])
                    try card.execute(arguments: [merchant.id, row.card.digits, db.lastInsertedRowID, now])
                }
            }
            progress(start + chunk.count, pending.count)
        }
        return CustomerImportSummary(imported: pending.count, skipped: rows.count - pending.count)
    }

    /// A row's sealed record and lookup hashes, as the customer table stores them.
    struct SealedImportRow: Sendable {
        var sealed = Data()
        var phoneHash: Data?
        var emailHash: Data?
    }

    /// Seals and hashes `rows` on all cores, each exactly as a single registration would.
    static func sealInParallel(
        _ rows: [CustomerImportRow], cipher: PersonalDataCipher, context: String, merchantID: Int64
    ) throws -> [SealedImportRow] {
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, rows.count))
        let results = SealedRows(count: rows.count)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            // Contiguous stripes: each worker writes only its own slots of `results`.
            let stripe = (rows.count + workers - 1) / workers
            let encoder = JSONEncoder()
            encoder.outputFormatting = answerEncoder.outputFormatting
            for index in stride(from: worker * stripe, to: min(rows.count, (worker + 1) * stripe), by: 1) {
                let row = rows[index]
                do {
                    results.set(
                        index,
                        SealedImportRow(
                            sealed: try cipher.seal(try encoder.encode(row.details), context: context),
                            phoneHash: row.details.phone.flatMap {
                                cipher.lookupHash(.phone, $0, merchant: merchantID)
                            },
                            emailHash: row.details.email.flatMap { cipher.lookupHash(.email, $0, merchant: merchantID) }
                        ))
                } catch {
                    results.fail(error)
                }
            }
        }
        return try results.finished()
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

/// The sealed rows of `sealInParallel`, filled in by several threads; each slot is written by
/// one thread only, and read after all of them are done. A fixed buffer, not an array property:
/// concurrent writes to one array would trip Swift's exclusivity checks.
private final class SealedRows: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<LedgerDatabase.SealedImportRow>
    private var error: (any Error)?
    private let lock = NSLock()

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: LedgerDatabase.SealedImportRow())
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }

    func set(_ index: Int, _ row: LedgerDatabase.SealedImportRow) {
        slots[index] = row
    }

    func fail(_ failure: any Error) {
        lock.withLock { error = error ?? failure }
    }

    func finished() throws -> [LedgerDatabase.SealedImportRow] {
        if let error = lock.withLock({ error }) { throw error }
        return Array(slots)
    }
}
