import Foundation
import GRDB
import LoyaltyDomain

/// The loyalty database: one SQLite file in WAL mode, durable on every commit.
///
/// Every write method is one transaction that keeps the invariants: a balance is the sum of its
/// ledger entries, never below zero, and a (till, receipt) gets one answer only. SQLite runs
/// write transactions one at a time, so a check and the write that depends on it cannot be
/// interleaved by another till.
public final class LedgerDatabase: Sendable {
    let writer: DatabasePool
    let programs = ProgramCache()

    /// Opens (creating if needed) `DIR/loyalgate.sqlite` and brings the schema up to date.
    public convenience init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try self.init(path: directory.appendingPathComponent("loyalgate.sqlite").path)
    }

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        writer = try DatabasePool(path: path, configuration: configuration)
        // FULL makes each commit wait for the WAL fsync: a transaction the till saw answered
        // survives a power cut. GRDB sets NORMAL on the pool's writer when it turns WAL on,
        // after `prepareDatabase`, so FULL is set here, on the one writer connection, which
        // lives as long as the pool.
        try writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try Migrations.migrator.migrate(writer)
    }

    /// The `PRAGMA synchronous` level the writer connection runs with (2 = FULL).
    public func synchronousLevel() throws -> Int {
        try writer.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    public func close() throws { try writer.close() }

    /// Runs raw SQL; for benchmarks seeding data and for tests that tamper on purpose.
    public func unsafeExecute(_ sql: String) throws {
        try writer.writeWithoutTransaction { db in try db.execute(sql: sql) }
    }
}

/// Parsed programs by version id. A version never changes once stored, so nothing is evicted.
final class ProgramCache: @unchecked Sendable {
    private let lock = NSLock()
    private var rules: [Int64: EarningRules] = [:]

    func rules(versionID: Int64, load: () throws -> EarningRules) rethrows -> EarningRules {
        if let cached = lock.withLock({ rules[versionID] }) { return cached }
        let loaded = try load()
        lock.withLock { rules[versionID] = loaded }
        return loaded
    }
}

/// A merchant as the core resolves it for an op.
public struct Merchant: Sendable, Hashable {
    public let id: Int64
    public let code: String
    public let name: String
    public let currency: Currency
    public let timeZone: TimeZone
    public let cardPrefix: String?
}

extension LedgerDatabase {
    /// The merchant an op is for: the named one, or the only one when the core serves one.
    public func merchant(code: String?) async throws -> Merchant {
        try await writer.read { db in try Self.merchant(db, code: code) }
    }

    public func merchants() async throws -> [Merchant] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM merchant ORDER BY code").map(Self.merchant(row:))
        }
    }

    static func merchant(_ db: Database, code: String?) throws -> Merchant {
        if let code {
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM merchant WHERE code = ?", arguments: [code]) else {
                throw LoyaltyError(.unknownMerchant, "No merchant \"\(code)\" is set up in this core.")
            }
            return merchant(row: row)
        }
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM merchant LIMIT 2")
        guard rows.count == 1 else {
            throw rows.isEmpty
                ? LoyaltyError(.unknownMerchant, "No merchant is set up yet: import a program file first.")
                : LoyaltyError(.badRequest, "This core serves several merchants: say which one with \"merchant\".")
        }
        return merchant(row: rows[0])
    }

    static func merchant(row: Row) -> Merchant {
        let code: String = row["currency"]
        return Merchant(
            id: row["id"], code: row["code"], name: row["name"],
            currency: Currency(code: code, minorDigits: row["minor_digits"]),
            timeZone: TimeZone(identifier: row["time_zone"]) ?? .gmt,
            cardPrefix: row["card_prefix"])
    }

    /// The current program version of a merchant and its parsed rules.
    func currentProgram(_ db: Database, merchant: Merchant) throws -> (versionID: Int64, rules: EarningRules) {
        guard let versionID = try Int64.fetchOne(db, sql: """
            SELECT id FROM program_version WHERE merchant_id = ? ORDER BY version DESC LIMIT 1
            """, arguments: [merchant.id]) else {
            throw LoyaltyError(.internalError, "Merchant \(merchant.code) has no program.")
        }
        return (versionID, try program(db, versionID: versionID, merchant: merchant))
    }

    func program(_ db: Database, versionID: Int64, merchant: Merchant) throws -> EarningRules {
        try programs.rules(versionID: versionID) {
            guard let json = try String.fetchOne(db, sql: "SELECT rules FROM program_version WHERE id = ?", arguments: [versionID]) else {
                throw LoyaltyError(.internalError, "Program version \(versionID) is missing.")
            }
            return try ProgramFile.decode(Data(json.utf8)).validated().rules
        }
    }
}

let nowText: @Sendable () -> String = { Timestamp.format(Date()) }
