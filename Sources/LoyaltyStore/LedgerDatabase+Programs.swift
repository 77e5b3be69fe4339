import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain

extension LedgerDatabase {
    public struct ImportedProgram: Sendable, Equatable {
        public let merchant: String
        public let version: Int
        /// False when the file's rules equal the current version's, so nothing was stored.
        public let created: Bool
    }

    /// Creates the merchant if new and stores the program as its next version, unless the
    /// rules are unchanged. Entries already made keep pointing at the version they used.
    public func importProgram(_ file: ProgramFile) throws -> ImportedProgram {
        let (checked, rules) = try Self.versionText(file)
        return try writer.write { db in try Self.store(db, file, checked.currency, rules) }
    }

    /// The same from a running core (`program.import`): through the core's one writer.
    public func storeProgram(_ file: ProgramFile) async throws -> ImportedProgram {
        let (checked, rules) = try Self.versionText(file)
        return try await write { db in try Self.store(db, file, checked.currency, rules) }
    }

    /// The current version's file and every version's number and date, newest first.
    public func programVersions(merchant code: String?) async throws -> ProgramVersionsAnswer {
        try await read { db in
            let merchant = try Self.merchant(db, code: code)
            let rows = try Row.fetchAll(
                db,
                sql:
                    "SELECT version, rules, created_at FROM program_version WHERE merchant_id = ? ORDER BY version DESC",
                arguments: [merchant.id])
            guard let newest = rows.first else {
                throw LoyaltyError(.unknownMerchant, "\(merchant.code) has no program yet.")
            }
            let current = try JSONDecoder().decode(ProgramFile.self, from: Data((newest["rules"] as String).utf8))
            return ProgramVersionsAnswer(
                merchant: merchant.code, current: current,
                versions: rows.map { .init(version: $0["version"], createdAt: $0["created_at"]) })
        }
    }

    static func versionText(_ file: ProgramFile, stored: Bool = false) throws -> (
        checked: (currency: Currency, timeZone: TimeZone, rules: EarningRules), rules: String
    ) {
        let checked = try file.validated(stored: stored)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // The whole file is the version: a changed time zone or prefix is a new version too.
        return (checked, String(decoding: try encoder.encode(file), as: UTF8.self))
    }

    static func store(_ db: Database, _ file: ProgramFile, _ currency: Currency, _ rules: String) throws
        -> ImportedProgram
    {
        var file = file
        var rules = rules
        // A program file without "campaigns" keeps the campaigns planned or running in the
        // current version (added in the back office): uploading new rules does not silently
        // drop next month's campaign. A file with "campaigns" (even empty) says it all.
        if file.program.campaigns == nil, let carried = try carriedCampaigns(db, code: file.merchant.code) {
            file.program.campaigns = carried
            rules = try versionText(file).rules
        }
        let spec = file.merchant
        let merchantID: Int64
        if let existing = try Int64.fetchOne(
            db, sql: "SELECT id FROM merchant WHERE code = ?", arguments: [spec.code])
        {
            let existingCurrency = try String.fetchOne(
                db, sql: "SELECT currency FROM merchant WHERE id = ?", arguments: [existing])
            guard existingCurrency == currency.code else {
                throw ProgramError(
                    "merchant.currency: \(spec.code) keeps its balances in \(existingCurrency ?? "?"); a program cannot change the currency."
                )
            }
            try db.execute(
                sql: "UPDATE merchant SET name = ?, time_zone = ?, card_prefix = ? WHERE id = ?",
                arguments: [spec.name, spec.timeZone, spec.cardPrefix, existing])
            merchantID = existing
        } else {
            try db.execute(
                sql: """
                    INSERT INTO merchant (code, name, currency, minor_digits, time_zone, card_prefix, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    spec.code, spec.name, currency.code, currency.minorDigits,
                    spec.timeZone, spec.cardPrefix, nowText(),
                ])
            merchantID = db.lastInsertedRowID
        }
        let current = try Row.fetchOne(
            db,
            sql: """
                SELECT version, rules FROM program_version WHERE merchant_id = ? ORDER BY version DESC LIMIT 1
                """, arguments: [merchantID])
        if let current, current["rules"] as String == rules {
            return ImportedProgram(merchant: spec.code, version: current["version"], created: false)
        }
        let version = (current?["version"] as Int? ?? 0) + 1
        try db.execute(
            sql: """
                INSERT INTO program_version (merchant_id, version, rules, created_at) VALUES (?, ?, ?, ?)
                """, arguments: [merchantID, version, rules, nowText()])
        return ImportedProgram(merchant: spec.code, version: version, created: true)
    }
}
