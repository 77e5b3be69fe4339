import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain
import PersonalData

/// The shop owns its data: everything on one customer as JSON (the right of access), and
/// everything of a merchant as CSV.
extension LedgerDatabase {
    public func exportCustomer(merchant code: String?, id: Int64) async throws -> CustomerDataExport {
        try await read { db in
            let merchant = try Self.merchant(db, code: code)
            let record = try self.record(db, merchant: merchant, id: id)
            let cards = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.* FROM card c JOIN account a ON a.id = c.account_id WHERE a.customer_id = ? ORDER BY c.id
                    """, arguments: [id]
            ).map(Self.cardRow)
            let links = try cards.compactMap { card in
                try self.patientRef(card, merchant: merchant).map {
                    CustomerDataExport.PatientLink(card: card.number, patientRef: $0)
                }
            }
            let entries = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.*, \(Self.programVersionNumber) FROM ledger_entry e JOIN account a ON a.id = e.account_id
                    WHERE a.customer_id = ? ORDER BY e.id
                    """, arguments: [id]
            ).map { Self.historyEntry($0, merchant: merchant) }
            return CustomerDataExport(
                merchant: merchant.code, exportedAt: nowText(), customer: record, patientLinks: links, ledger: entries)
        }
    }

    /// Writes `cards.csv`, `customers.csv` and `ledger.csv` of one merchant into `folder`.
    /// Personal data is decrypted into the files: they are for the shop owner, keep them safe.
    /// The files are 0600 and a new folder 0700; cells are spreadsheet-safe (`SpreadsheetCSV`).
    public func exportMerchant(_ code: String?, to folder: URL) throws -> [String: Int] {
        try LedgerFiles.prepareFolder(folder)
        return try writer.read { db in
            let merchant = try Self.merchant(db, code: code)
            var counts: [String: Int] = [:]
            for kind in ExportKind.allCases {
                counts[kind.rawValue + ".csv"] = try Self.writeCSV(
                    folder.appendingPathComponent(kind.rawValue + ".csv"), header: kind.header,
                    rows: try Row.fetchCursor(db, sql: kind.sql, arguments: [merchant.id, 0, -1]).map { row in
                        try self.fields(kind, row, merchant: merchant)
                    })
            }
            return counts
        }
    }

    /// One page of an export for the back office in a browser (`export.page`): up to `limit`
    /// rows after the row `after`, as CSV lines (the header first on the first page), the same
    /// columns and cells as `loyalgate export` writes.
    public func exportPage(merchant code: String?, kind: ExportKind, after: Int64, limit: Int) async throws
        -> ExportPageAnswer
    {
        try LedgerRules.checkExportPage(after: after, limit: limit)
        return try await read { db in
            let merchant = try Self.merchant(db, code: code)
            let rows = try Row.fetchAll(db, sql: kind.sql, arguments: [merchant.id, after, limit])
            var csv = after == 0 ? SpreadsheetCSV.line(kind.header) : ""
            for row in rows { csv += SpreadsheetCSV.line(try self.fields(kind, row, merchant: merchant)) }
            let last: Int64? = rows.last?["row_id"]
            return ExportPageAnswer(csv: csv, rows: rows.count, next: rows.count == limit ? last : nil)
        }
    }

    /// A row of `kind.sql` as the file's cells. Personal data is decrypted here: the exports
    /// are for the shop owner.
    func fields(_ kind: ExportKind, _ row: Row, merchant: Merchant) throws -> [String] {
        try Self.exportFields(kind, row, merchant: merchant) {
            try JSONDecoder().decode(
                CustomerDetails.self, from: try self.cipher.open($0, context: self.sealingContext(merchant)))
        }
    }

    /// The cells of one export row, by column name (the PostgreSQL store's rows come as
    /// dictionaries, through `LedgerRules.exportFields`).
    static func exportFields(
        _ kind: ExportKind, _ row: Row, merchant: Merchant, open: (Data) throws -> CustomerDetails
    ) throws -> [String] {
        switch kind {
        case .cards:
            return ["number", "status", "account_id", "customer_id", "active_from", "replaced_by", "created_at"].map {
                text(row[$0])
            }
        case .customers:
            let details = try (row["sealed"] as Data?).map(open)
            return [
                Self.text(row["id"]), details?.name ?? "", details?.shownName ?? "", details?.address ?? "",
                details?.postcode ?? "", details?.email ?? "", details?.phone ?? "", details?.birthDate ?? "",
                details?.gender ?? "", Self.text(row["consent_mail"]), Self.text(row["consent_profiling"]),
                Self.text(row["created_at"]), Self.text(row["erased_at"]),
            ]
        case .ledger:
            let entry = Self.historyEntry(row, merchant: merchant)
            return [
                String(entry.id), Self.text(row["account_id"]), entry.card, entry.kind, entry.till ?? "",
                entry.receipt ?? "",
                String(entry.points), entry.amount, String(entry.shortfallPoints), entry.shortfallAmount,
                entry.programVersion.map(String.init) ?? "", entry.at, entry.recordedAt, entry.prepaid ?? "",
                entry.stamps.map(String.init) ?? "", Self.text(row["sale_lines"]),
            ]
        }
    }

    /// Writes one CSV file, 0600 (it holds personal data), every cell through `SpreadsheetCSV`.
    static func writeCSV(_ url: URL, header: [String], rows: some Cursor<[String]>) throws -> Int {
        let file = try LedgerFiles.createPrivateFile(url.path)
        defer { try? file.close() }
        var buffer = Data(SpreadsheetCSV.line(header).utf8)
        var count = 0
        while let row = try rows.next() {
            buffer.append(contentsOf: SpreadsheetCSV.line(row).utf8)
            count += 1
            if buffer.count >= 1 << 16 {
                try file.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try file.write(contentsOf: buffer)
        return count
    }

    static func text(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: return ""
        case .int64(let number): return String(number)
        case .double(let number): return String(number)
        case .string(let string): return string
        case .blob: return ""
        }
    }

    /// The column a history query adds to `ledger_entry e`: the merchant's own version number of
    /// the program (1, 2, ...), not the row id of the version, which counts every merchant's.
    static let programVersionNumber =
        "(SELECT version FROM program_version WHERE id = e.program_version_id) AS program_version"

    /// One ledger entry of a query that selected `e.*` and `programVersionNumber`.
    static func historyEntry(_ row: Row, merchant: Merchant) -> HistoryEntry {
        let money = { (minor: Int64) in Money(minorUnits: minor, currency: merchant.currency).decimalString }
        return HistoryEntry(
            id: row["id"], kind: row["kind"], card: row["card_number"], till: row["till"], receipt: row["receipt"],
            points: row["points"], amount: money(row["amount_minor"]),
            shortfallPoints: row["shortfall_points"], shortfallAmount: money(row["shortfall_minor"]),
            programVersion: row["program_version"], at: row["at"], recordedAt: row["recorded_at"],
            prepaid: (row["prepaid_minor"] as Int64? ?? 0) == 0 ? nil : money(row["prepaid_minor"]),
            stamps: (row["stamps"] as Int64? ?? 0) == 0 ? nil : row["stamps"],
            applied: (row["applied"] as String?).flatMap {
                try? JSONDecoder().decode([QuoteLine].self, from: Data($0.utf8))
            })
    }
}

/// The three files of a merchant's export: the query (merchant, after row, limit; -1 for all)
/// and the header of each. `row_id` orders the pages.
public enum ExportKind: String, Sendable, CaseIterable, Codable {
    case cards, customers, ledger

    public var header: [String] {
        switch self {
        case .cards: ["number", "status", "account", "customer", "active_from", "replaced_by", "created_at"]
        case .customers:
            [
                "id", "name", "display_name", "address", "postcode", "email", "phone", "birth_date", "gender",
                "consent_mail", "consent_profiling", "created_at", "erased_at",
            ]
        case .ledger:
            [
                "id", "account", "card", "kind", "till", "receipt", "points", "amount", "shortfall_points",
                "shortfall_amount", "program_version", "at", "recorded_at", "prepaid", "stamps", "sale_lines",
            ]
        }
    }

    var sql: String {
        switch self {
        case .cards:
            """
            SELECT c.id AS row_id, c.number, c.status, c.account_id, a.customer_id, c.active_from, c.replaced_by, c.created_at
            FROM card c JOIN account a ON a.id = c.account_id WHERE c.merchant_id = ? AND c.id > ? ORDER BY c.id LIMIT ?
            """
        case .customers:
            "SELECT *, id AS row_id FROM customer WHERE merchant_id = ? AND id > ? ORDER BY id LIMIT ?"
        case .ledger:
            // The sale's lines (SKU, amount, category as the till sent them) come from the till
            // transaction the entry belongs to; entries without one (fees, transfers) have none.
            """
            SELECT e.*, e.id AS row_id, \(LedgerDatabase.programVersionNumber), t.lines AS sale_lines
            FROM ledger_entry e LEFT JOIN till_txn t ON t.id = e.txn_id
            WHERE e.merchant_id = ? AND e.id > ? ORDER BY e.id LIMIT ?
            """
        }
    }
}
