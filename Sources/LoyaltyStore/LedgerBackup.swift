import Foundation
import GRDB

/// `loyalgate backup` and `loyalgate restore`: a whole SQLite ledger copied with SQLite's online
/// backup API, which gives a consistent copy while the core keeps writing (it reads the WAL as
/// a reader does, and the copy is of one committed state). The personal-data key is a separate
/// file and is never in the copy: back it up once, apart from the ledger (docs/security.md).
public enum LedgerBackup {
    /// Copies the ledger in `folder` to `destination` (a new file, 0600; an existing one is
    /// refused, so a backup is never overwritten by mistake), then checks the copy with SQLite's
    /// integrity check. Returns the copy's size in bytes.
    @discardableResult
    public static func backup(folder: URL, to destination: String) throws -> Int64 {
        let source = folder.appendingPathComponent(LedgerFiles.databaseName).path
        guard FileManager.default.fileExists(atPath: source) else {
            throw LedgerFileError("There is no ledger at \(source) to back up.")
        }
        let fd = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw LedgerFileError(
                "Cannot create the backup \(destination): \(String(cString: strerror(errno))) (an existing file is never overwritten)."
            )
        }
        close(fd)
        do {
            var configuration = Configuration()
            configuration.readonly = true
            let reader = try DatabaseQueue(path: source, configuration: configuration)
            let copy = try DatabaseQueue(path: destination)
            try reader.backup(to: copy)
            try checkIntegrity(copy, path: destination)
            try copy.close()
            try reader.close()
        } catch {
            // A half-written copy must not pass for a good one.
            try? FileManager.default.removeItem(atPath: destination)
            throw LedgerFileError("The backup to \(destination) failed and was removed: \(error)")
        }
        LedgerFiles.makePrivate(destination)
        let size = (try? FileManager.default.attributesOfItem(atPath: destination)[.size] as? NSNumber)?.int64Value
        return size ?? 0
    }

    /// Puts the ledger copied in `backupPath` in `folder` (whose core must be stopped), after
    /// checking that the copy is a sound SQLite ledger. The ledger it replaces is first moved
    /// aside to `loyalgate.sqlite.replaced-<time>` (0600), never deleted. Returns that path,
    /// or nil when the folder held no ledger.
    @discardableResult
    public static func restore(from backupPath: String, folder: URL, now: Date = Date()) throws -> String? {
        var configuration = Configuration()
        configuration.readonly = true
        let backup: DatabaseQueue
        do {
            try LedgerFiles.refuseDamaged(database: backupPath)
            backup = try DatabaseQueue(path: backupPath, configuration: configuration)
            try checkIntegrity(backup, path: backupPath)
            let migrations = try backup.read { db in try Migrations.migrator.appliedMigrations(db) }
            guard !migrations.isEmpty else { throw LedgerFileError("\(backupPath) holds no loyalgate ledger.") }
        } catch let error as LedgerFileError {
            throw error
        } catch {
            throw LedgerFileError("\(backupPath) is not a ledger backup that can be restored: \(error)")
        }
        try LedgerFiles.prepareFolder(folder)
        let target = folder.appendingPathComponent(LedgerFiles.databaseName).path
        var replaced: String?
        if FileManager.default.fileExists(atPath: target) {
            let aside = target + ".replaced-" + MigrationBackup.stamp(now)
            // The old ledger's WAL holds committed transactions too: a checkpoint folds them
            // into the file before it is moved, so the file set aside is whole.
            if let old = try? DatabaseQueue(path: target) {
                try? old.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
                try? old.close()
            }
            guard rename(target, aside) == 0 else {
                throw LedgerFileError(
                    "Cannot move the current ledger aside to \(aside): \(String(cString: strerror(errno))).")
            }
            for suffix in ["-wal", "-shm"] { unlink(target + suffix) }
            replaced = aside
        }
        let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw LedgerFileError("Cannot create \(target): \(String(cString: strerror(errno))).")
        }
        close(fd)
        let restored = try DatabaseQueue(path: target)
        try backup.backup(to: restored)
        try restored.close()
        try backup.close()
        LedgerFiles.makePrivate(database: target)
        return replaced
    }

    static func checkIntegrity(_ database: DatabaseQueue, path: String) throws {
        let result = try database.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        guard result == ["ok"] else {
            throw LedgerFileError(
                "\(path) failed SQLite's integrity check: \(result.prefix(5).joined(separator: "; "))")
        }
    }
}
