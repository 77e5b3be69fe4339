import Foundation

/// Where a run keeps the PDFs it sends to CUPS: a folder of its own in the temporary directory,
/// made by `mkdtemp` (mode 0700, a name nobody can guess), with files made by `mkstemps`.
///
/// Fixed names in a shared /tmp (`loyalgate-reprint-PID.pdf`) let another user plant a symbolic
/// link there and have the run overwrite a file of theirs choosing, or read the cards. The
/// folder is removed after the run; one left by a run that was killed is removed by the next
/// run (its name carries the pid, and that process is gone).
struct ScratchFolder {
    static let prefix = "loyalgate-cards-"
    let path: String

    /// Removes what dead runs left behind, then makes this run's folder.
    static func create(in temporary: String = FileManager.default.temporaryDirectory.path) throws -> ScratchFolder {
        removeStale(in: temporary)
        var template = Array("\(temporary)/\(prefix)\(getpid())-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw CardBatchError(
                "Cannot make a private folder in \(temporary) for the print files: \(String(cString: strerror(errno)))."
            )
        }
        return ScratchFolder(path: String(cString: made))
    }

    /// A new, empty file in the folder (0600, created exclusively), named `name`-random.pdf.
    func newPDF(_ name: String) throws -> String {
        var template = Array("\(path)/\(name)-XXXXXX.pdf".utf8CString)
        let fd = mkstemps(&template, 4)
        guard fd >= 0 else {
            throw CardBatchError("Cannot create a print file in \(path): \(String(cString: strerror(errno))).")
        }
        close(fd)
        return String(cString: template)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// Folders of this user's earlier runs whose process is gone. Only real folders owned by
    /// this user are touched: a symbolic link or another user's entry with the same prefix is
    /// left alone.
    static func removeStale(in temporary: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: temporary) else { return }
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0 else { continue }
            let path = temporary + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid() else { continue }
            guard kill(pid, 0) == -1, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
