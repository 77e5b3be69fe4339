import Foundation
import GRDB
import Testing

@testable import LoyaltyStore

/// An upgrade's first start: the ledger an older version left (every migration but the newest)
/// is copied to `backups/` before the new migration runs, and the copy is the old ledger, whole.
@Suite struct MigrationBackupTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loyalgate-mig-\(UUID().uuidString)")
    var database: String { directory.appendingPathComponent(LedgerFiles.databaseName).path }
    var backups: URL { directory.appendingPathComponent(MigrationBackup.folderName) }

    /// A ledger as the previous version wrote it: migrated up to the second-newest migration,
    /// with one merchant in it.
    func olderLedger() throws -> (older: String, newest: String) {
        try LedgerFiles.prepareFolder(directory)
        let names = Migrations.migrator.migrations
        let older = names[names.count - 2]
        let queue = try DatabaseQueue(path: database)
        try Migrations.migrator.migrate(queue, upTo: older)
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO merchant (code, name, currency, minor_digits, time_zone, card_prefix, created_at)
                    VALUES ('apotheek-de-linde', 'Apotheek de Linde', 'EUR', 2, 'Europe/Amsterdam', '29900', '2026-01-01T00:00:00Z')
                    """)
        }
        try queue.close()
        return (older, names[names.count - 1])
    }

    func backupFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: backups.path)) ?? []).sorted()
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        stat(path, &info)
        return info.st_mode & 0o777
    }

    @Test func anOlderLedgerIsBackedUpBeforeItIsMigrated() async throws {
        let (older, newest) = try olderLedger()
        let store = try LedgerDatabase(directory: directory)
        defer { try? store.close() }

        let files = backupFiles()
        #expect(files.count == 1)
        let name = try #require(files.first)
        #expect(name.hasPrefix("loyalgate-before-\(newest)-") && name.hasSuffix("Z.sqlite"), "\(name)")
        let backup = try #require(store.migrationBackup)
        #expect(backup.path == backups.appendingPathComponent(name).path)
        #expect(backup.applied.last == older && backup.pending == [newest])
        #expect(Self.mode(backups.path) == 0o700)
        #expect(Self.mode(backup.path) == 0o600)

        // The copy is the old ledger: its merchant, without the newest migration.
        let copy = try DatabaseQueue(path: backup.path)
        let (copied, merchant) = try await copy.read { db in
            (try Migrations.migrator.appliedMigrations(db), try String.fetchOne(db, sql: "SELECT code FROM merchant"))
        }
        try copy.close()
        #expect(copied.last == older)
        #expect(merchant == "apotheek-de-linde")
        // The ledger itself is migrated and still holds the merchant.
        #expect(try await store.merchants().map(\.code) == ["apotheek-de-linde"])
    }

    @Test func aLedgerAlreadyUpToDateOrNewIsNotCopied() throws {
        let fresh = try LedgerDatabase(directory: directory)
        #expect(fresh.migrationBackup == nil)
        try fresh.close()
        let again = try LedgerDatabase(directory: directory)
        #expect(again.migrationBackup == nil)
        try again.close()
        #expect(backupFiles().isEmpty)
    }
}
