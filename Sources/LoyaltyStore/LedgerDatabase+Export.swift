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
            counts["cards.csv"] = try Self.writeCSV(
                folder.appendingPathComponent("cards.csv"),
                header: ["number", "status", "account", "customer", "active_from", "replaced_by", "created_at"],
                rows: try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT c.number, c.status, c.account_id, a.customer_id, c.active_from, c.replaced_by, c.created_at
                        FROM card c JOIN account a ON a.id = c.account_id WHERE c.merchant_id = ? ORDER BY c.id
                        """, arguments: [merchant.id]
                ).map { row in (0..<7).map { Self.text(row[$0]) } })
            counts["customers.csv"] = try Self.writeCSV(
                folder.appendingPathComponent("customers.csv"),
                header: [
                    "id", "name", "display_name", "address", "postcode", "email", "phone", "birth_date", "gender",
                    "consent_mail", "consent_profiling", "created_at", "erased_at",
                ],
                rows: try Row.fetchCursor(
                    db, sql: "SELECT * FROM customer WHERE merchant_id = ? ORDER BY id", arguments: [merchant.id]
                ).map { row in
                    let details = try (row["sealed"] as Data?).map {
                        try JSONDecoder().decode(
                            CustomerDetails.self, from: try self.cipher.open($0, context: self.sealingContext(merchant))
                        )
                    }
                    return [
                        Self.text(row["id"]), details?.name ?? "", details?.shownName ?? "", details?.address ?? "",
                        details?.postcode ?? "", details?.email ?? "", details?.phone ?? "", details?.birthDate ?? "",
                        details?.gender ?? "", Self.text(row["consent_mail"]), Self.text(row["consent_profiling"]),
                        Self.text(row["created_at"]), Self.text(row["erased_at"]),
                    ]
                })
            counts["ledger.csv"] = try Self.writeCSV(
                folder.appendingPathComponent("ledger.csv"),
                header: [
                    "id", "account", "card", "kind", "till", "receipt", "points", "amount", "shortfall_points",
                    "shortfall_amount", "program_version", "at", "recorded_at", "prepaid", "stamps",
                ],
                rows: try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT e.*, \(Self.programVersionNumber) FROM ledger_entry e WHERE e.merchant_id = ? ORDER BY e.id
                        """, arguments: [merchant.id]
                ).map { row in
                    let entry = Self.historyEntry(row, merchant: merchant)
                    return [
                        String(entry.id), Self.text(row["account_id"]), entry.card, entry.kind, entry.till ?? "",
                        entry.receipt ?? "",
                        String(entry.points), entry.amount, String(entry.shortfallPoints), entry.shortfallAmount,
                        entry.programVersion.map(String.init) ?? "", entry.at, entry.recordedAt, entry.prepaid ?? "",
                        entry.stamps.map(String.init) ?? "",
                    ]
                })
            return counts
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
