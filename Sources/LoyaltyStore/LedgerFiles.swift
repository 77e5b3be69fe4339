import Foundation

/// The data folder and the files in it: who may read them, and what the core refuses to open.
///
/// The ledger holds money a shop owes and sealed personal data; on a till PC other users and
/// programs share the machine. So the folder is private to the core's user (0700) and every file
/// the store writes is 0600, whatever umask the process was started with.
public enum LedgerFiles {
    /// The ledger's file name in a data folder.
    public static let databaseName = "loyalgate.sqlite"

    /// Creates `folder` (and missing parents) private to the owner; an existing folder is left
    /// as its owner set it (the packaged unit creates it 0700 with StateDirectoryMode).
    public static func prepareFolder(_ folder: URL) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue { return }
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Refuses a database file that exists but is empty or not SQLite. SQLite would take an empty
    /// file as a new, empty database: a shop's ledger, truncated by a failed copy or a disk fault,
    /// would silently start again at zero and `verify` would call it consistent. A missing file is
    /// a new ledger.
    public static func refuseDamaged(database path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        let restore =
            "Restore the ledger from your latest backup (stop the core, copy the backup to \(path)), then start again. If this is a new installation that never held a ledger, delete the file."
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw LedgerFileError("The ledger \(path) is not a regular file. \(restore)")
        }
        if info.st_size == 0 {
            // A crash between SQLite creating the file and its first commit leaves the first
            // pages in the WAL only: SQLite recovers those, so only a lone empty file is refused.
            var wal = stat()
            if stat(path + "-wal", &wal) == 0, wal.st_size > 0 { return }
            throw LedgerFileError("The ledger \(path) is empty (0 bytes): its data is gone. \(restore)")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LedgerFileError("The ledger \(path) cannot be read: check its owner and mode.")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        guard header == Data("SQLite format 3\0".utf8) else {
            throw LedgerFileError(
                "The ledger \(path) is not an SQLite database (its first bytes are wrong). \(restore)")
        }
    }

    /// Makes the database and the WAL and shared-memory files SQLite keeps beside it readable by
    /// the owner only. SQLite gives a WAL or -shm file it creates later the database file's mode,
    /// so tightening the database also covers those.
    public static func makePrivate(database path: String) {
        for file in [path, path + "-wal", path + "-shm"] { makePrivate(file) }
    }

    /// Takes group and other permissions off an existing file (one created by an older version
    /// or under a wider umask).
    public static func makePrivate(_ path: String) {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & 0o077 != 0 else { return }
        chmod(path, info.st_mode & 0o700)
    }

    /// Opens `path` for writing, truncated, created 0600 (an existing file is made 0600 too); a
    /// symbolic link at `path` is refused rather than followed.
    public static func createPrivateFile(_ path: String) throws -> FileHandle {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw LedgerFileError("Cannot write \(path): \(String(cString: strerror(errno))).")
        }
        fchmod(fd, 0o600)
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }
}

/// A data-folder file the store will not use, said so that the technician knows what to do.
public struct LedgerFileError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
    public var errorDescription: String? { message }
}

/// One core per data folder: two cores on the same ledger would each take the socket and the
/// second would leave the first unreachable when it exits.
///
/// An exclusive `flock` on `DATA/core.lock`, held for the life of the process; the kernel lets
/// go of it when the process ends, however it ends, so a crash never leaves a stale lock.
public final class DataFolderLock: Sendable {
    public static let fileName = "core.lock"
    private let fd: Int32

    public struct Held: Error, CustomStringConvertible, LocalizedError {
        public let folder: String
        public let owner: String?

        public var description: String {
            "Another loyalgate core\(owner.map { " (pid \($0))" } ?? "") already serves the data folder \(folder); only one core may use a data folder. Stop that one first (systemctl stop loyalgate-core), or give this one another --data."
        }
        public var errorDescription: String? { description }
    }

    /// Takes the lock or throws `Held` at once (it never waits). `fileName` other than
    /// `core.lock` serves other one-at-a-time jobs on the folder (`mail.lock`: the mail pass).
    public init(folder: URL, fileName: String = DataFolderLock.fileName) throws {
        try LedgerFiles.prepareFolder(folder)
        let path = folder.appendingPathComponent(fileName).path
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw LedgerFileError("Cannot open \(path): \(String(cString: strerror(errno))).")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            var bytes = [UInt8](repeating: 0, count: 32)
            let count = pread(fd, &bytes, bytes.count, 0)
            close(fd)
            guard failure == EWOULDBLOCK else {
                throw LedgerFileError("Cannot lock \(path): \(String(cString: strerror(failure))).")
            }
            let owner = String(decoding: bytes.prefix(max(count, 0)), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw Held(folder: folder.path, owner: owner.isEmpty ? nil : owner)
        }
        // The pid is only for the message a second core prints; the lock is the flock.
        let pid = Array("\(getpid())\n".utf8)
        ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
        self.fd = fd
    }

    deinit { close(fd) }
}
