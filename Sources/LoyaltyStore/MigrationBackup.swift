import Foundation
import GRDB

/// A copy of the ledger taken just before the schema is migrated.
///
/// A package upgrade brings a binary with new migrations; the core applies them when it opens the
/// ledger. A migration that fails half-way is rolled back by SQLite, but one that succeeds and
/// turns out wrong, or a new version the shop wants to go back from, leaves only this copy: the
/// ledger exactly as the old version left it, taken with SQLite's online backup API (consistent
/// even with a WAL beside it). The personal-data key is not in it: it is a separate file that the
/// upgrade does not touch.
public struct MigrationBackup: Sendable, Equatable {
    /// The copy: `DATA/backups/loyalgate-before-<first pending migration>-<UTC time>.sqlite`, 0600.
    public let path: String
    /// The migrations the ledger had, and those applied after the copy.
    public let applied: [String]
    public let pending: [String]

    /// The folder, beside the database, where the copies go (0700: they hold the whole ledger).
    public static let folderName = "backups"

    /// Copies the database behind `reader` when it holds a ledger (at least one migration applied)
    /// that `migrator` would migrate; nil for a new ledger or one already up to date.
    static func takeIfNeeded(
        _ reader: any DatabaseReader, migrator: DatabaseMigrator, folder: URL, now: Date = Date()
    ) throws -> MigrationBackup? {
        let applied = try reader.read { db in try migrator.appliedMigrations(db) }
        let pending = migrator.migrations.filter { !applied.contains($0) }
        guard !applied.isEmpty, let first = pending.first else { return nil }
        try LedgerFiles.prepareFolder(folder)
        let path = try freshFile(in: folder, name: "loyalgate-before-\(first)-\(stamp(now))")
        do {
            let copy = try DatabaseQueue(path: path)
            try reader.backup(to: copy)
            try copy.close()
        } catch {
            // A half-written copy must not pass for a good one; the migration does not go ahead.
            try? FileManager.default.removeItem(atPath: path)
            throw LedgerFileError(
                "Could not back up the ledger to \(path) before migrating it (\(error)); the ledger was left as it was. Free some disk space or fix the folder's permissions, then start again."
            )
        }
        LedgerFiles.makePrivate(path)
        return MigrationBackup(path: path, applied: applied, pending: pending)
    }

    /// `20261130T010203Z`: sorts by time, and has no characters a shell or a file system minds.
    static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    /// Creates `name.sqlite` (or `name-2.sqlite`, ... when a copy of the same second exists) 0600,
    /// never overwriting an earlier copy.
    static func freshFile(in folder: URL, name: String) throws -> String {
        for attempt in 1...100 {
            let path = folder.appendingPathComponent(name + (attempt == 1 ? "" : "-\(attempt)") + ".sqlite").path
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd >= 0 {
                close(fd)
                return path
            }
            guard errno == EEXIST else {
                throw LedgerFileError(
                    "Cannot create the backup \(path) before migrating the ledger: \(String(cString: strerror(errno)))."
                )
            }
        }
        throw LedgerFileError("Too many backups named \(name) in \(folder.path).")
    }
}
