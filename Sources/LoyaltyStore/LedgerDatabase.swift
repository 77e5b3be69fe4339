import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain
import PersonalData

/// The loyalty database: one SQLite file in WAL mode, durable on every commit.
///
/// Every write method is one transaction that keeps the invariants: a balance is the sum of its
/// ledger entries, never below zero, and a (till, receipt) gets one answer only. SQLite runs
/// write transactions one at a time, so a check and the write that depends on it cannot be
/// interleaved by another till.
public final class LedgerDatabase: LedgerStore {
    /// A `DatabasePool` on a file in WAL mode; any GRDB writer works (the tests of the store's
    /// rules may open a `DatabaseQueue`).
    let writer: any DatabaseWriter
    let programs = ProgramCache()
    let knownMerchants = MerchantCache()
    let cipher: PersonalDataCipher
    let groupCommit: GroupCommit
    /// The copy taken before this open migrated the ledger, for the caller to log; nil when the
    /// ledger was new or already up to date.
    public let migrationBackup: MigrationBackup?

    /// Opens (creating if needed) `DIR/loyalgate.sqlite` and brings the schema up to date.
    /// Personal data is sealed with the key in `keyPath`, by default `DIR/keys/personal-data.key`:
    /// a separate file (mode 0600) that backups of the database can leave out. A new folder is
    /// created 0700 (`LedgerFiles`).
    public convenience init(directory: URL, keyPath: String? = nil) throws {
        try LedgerFiles.prepareFolder(directory)
        try self.init(
            path: directory.appendingPathComponent(LedgerFiles.databaseName).path,
            keyPath: keyPath ?? directory.appendingPathComponent("keys/personal-data.key").path)
    }

    /// Opens the database at `path`, creating it when missing; an empty or non-SQLite file there
    /// is refused (`LedgerFiles.refuseDamaged`), and the files are made 0600. A ledger with
    /// migrations pending (a newer version's first start) is first copied to `backups/` beside
    /// it (`MigrationBackup`).
    public convenience init(path: String, keyPath: String) throws {
        try LedgerFiles.refuseDamaged(database: path)
        let pool = try DatabasePool(path: path, configuration: Self.configuration)
        LedgerFiles.makePrivate(database: path)
        // FULL makes each commit wait for the WAL fsync: a transaction the till saw answered
        // survives a power cut. GRDB sets NORMAL on the pool's writer when it turns WAL on,
        // after `prepareDatabase`, so FULL is set here, on the one writer connection, which
        // lives as long as the pool.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try self.init(
            writer: pool, keyPath: keyPath, backups: folder.appendingPathComponent(MigrationBackup.folderName))
    }

    /// Brings the schema of `writer` up to date and opens its personal-data key.
    public convenience init(writer: any DatabaseWriter, keyPath: String) throws {
        try self.init(writer: writer, keyPath: keyPath, backups: nil)
    }

    /// With `backups`, a ledger that has migrations pending is copied there before they run.
    init(writer: any DatabaseWriter, keyPath: String, backups: URL?) throws {
        self.writer = writer
        migrationBackup = try backups.flatMap {
            try MigrationBackup.takeIfNeeded(writer, migrator: Migrations.migrator, folder: $0)
        }
        try Migrations.migrator.migrate(writer)
        cipher = PersonalDataCipher(key: try Self.personalDataKey(writer, path: keyPath))
        groupCommit = GroupCommit(writer: writer)
        try prepareStatistics()
        // The rollups are kept off the tills' path: the writer rolls up the sales it committed
        // when no request waits, and at least every `GroupCommit.maintenanceInterval` under load.
        groupCommit.setMaintenance { [programs] db in
            try Self.rollUpStatistics(db, programs: programs, limit: Self.rollUpStep)
        }
    }

    /// Every connection's settings.
    public static var configuration: Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // A chain's database reaches gigabytes; SQLite's 2 MB default cache would send most
            // index look-ups of a card or account back to the file.
            try db.execute(sql: "PRAGMA cache_size = -65536")
            // ... but the caches of all connections together stay within one budget: the
            // process-wide soft heap limit makes each cache recycle its own pages instead of
            // growing once SQLite's memory reaches it. One busy connection (the writer under
            // load) can use most of it; a page that falls out is read again from the kernel's
            // file cache, not the disk.
            try db.execute(sql: "PRAGMA soft_heap_limit = \(sqliteMemoryBudget)")
        }
        return configuration
    }

    /// The most heap all of the process's SQLite connections hold together (page caches,
    /// statements), in bytes. Keeps the core within its memory goal at millions of cards
    /// (docs/benchmarks.md).
    public static let sqliteMemoryBudget = 32 * 1024 * 1024

    /// One invariant-preserving write, committed durably (possibly together with others that
    /// arrived at the same time) before it returns.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await groupCommit.perform(body)
    }

    /// A read of committed data; never waits for the writer.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writer.read(body)
    }

    /// The key is created with the database; afterwards the database remembers its fingerprint
    /// and refuses any other key, rather than sealing new records with a key old ones don't open.
    static func personalDataKey(_ writer: any DatabaseWriter, path: String) throws -> PersonalDataKey {
        try writer.write { db in
            let known = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'personal-data-key'")
            let key = try PersonalDataKey.load(path: path, create: known == nil)
            if let known, known != key.fingerprint {
                throw LoyaltyError(
                    .internalError,
                    "The personal-data key \(path) does not belong to this database (fingerprint \(key.fingerprint), expected \(known))."
                )
            }
            try db.execute(
                sql: "INSERT OR IGNORE INTO meta (key, value) VALUES ('personal-data-key', ?)",
                arguments: [key.fingerprint])
            return key
        }
    }

    /// The `PRAGMA synchronous` level the writer connection runs with (2 = FULL).
    public func synchronousLevel() throws -> Int {
        try writer.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    public func close() throws {
        groupCommit.stop()
        try writer.close()
    }

    /// Runs raw SQL; for benchmarks seeding data and for tests that tamper on purpose.
    public func unsafeExecute(_ sql: String) throws {
        try writer.writeWithoutTransaction { db in try db.execute(sql: sql) }
    }
}

extension LedgerDatabase {
    /// The merchant an op is for: the named one, or the only one when the core serves one.
    public func merchant(code: String?) async throws -> Merchant {
        try await read { db in try Self.merchant(db, code: code) }
    }

    /// The merchant `code` names as last seen (`MerchantCache`): for work before a write only.
    func knownMerchant(code: String?) async throws -> Merchant {
        try await knownMerchants.merchant(code: code) { try await self.merchant(code: code) }
    }

    public func merchants() async throws -> [Merchant] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM merchant ORDER BY code").map(Self.merchant(row:))
        }
    }

    static func merchant(_ db: Database, code: String?) throws -> Merchant {
        if let code {
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM merchant WHERE code = ?"), arguments: [code])
            else {
                throw LoyaltyError(.unknownMerchant, "No merchant \"\(code)\" is set up in this core.")
            }
            return merchant(row: row)
        }
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM merchant LIMIT 2"))
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
        guard
            let versionID = try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT id FROM program_version WHERE merchant_id = ? ORDER BY version DESC LIMIT 1
                        """), arguments: [merchant.id])
        else {
            throw LoyaltyError(.internalError, "Merchant \(merchant.code) has no program.")
        }
        return (versionID, try program(db, versionID: versionID, merchant: merchant))
    }

    func program(_ db: Database, versionID: Int64, merchant: Merchant) throws -> EarningRules {
        try Self.program(db, versionID: versionID, programs: programs)
    }

    static func program(_ db: Database, versionID: Int64, programs: ProgramCache) throws -> EarningRules {
        try programs.rules(versionID: versionID) {
            guard
                let json = try String.fetchOne(
                    db, sql: "SELECT rules FROM program_version WHERE id = ?", arguments: [versionID])
            else {
                throw LoyaltyError(.internalError, "Program version \(versionID) is missing.")
            }
            return try ProgramFile.decode(Data(json.utf8), stored: true).validated(stored: true).rules
        }
    }
}

let nowText: @Sendable () -> String = { Timestamp.format(Date()) }
