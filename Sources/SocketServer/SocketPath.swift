import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The socket file a server binds: a stale one (left by a process that died) is replaced, a
/// live one never is: a second core started by mistake must fail, not take the socket over and
/// leave the first one unreachable when it exits.
struct SocketPath {
    let path: String

    struct InUse: Error, CustomStringConvertible {
        let description: String
    }

    /// Removes a stale socket at `path`; throws when something answers there or the path is
    /// not a socket at all (a regular file is never deleted to make room).
    func claim() throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw InUse(description: "\(path) exists and is not a socket; move it away or choose another --socket.")
        }
        if isAnswering() {
            throw InUse(
                description:
                    "Another process is serving on \(path) (a second core or gateway on the same socket?); stop it first or choose another --socket."
            )
        }
        unlink(path)
    }

    /// A folder only this process's user can enter (mkdtemp, 0700) beside the socket's path,
    /// for binding the socket where no one can connect before `publish`.
    struct Staging {
        let folder: String
        var socket: String { folder + "/s" }
    }

    func makeStagingFolder() throws -> Staging {
        let parent = (path as NSString).deletingLastPathComponent
        var template = Array(((parent.isEmpty ? "." : parent) + "/.socket-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw InUse(
                description:
                    "Cannot create a folder beside \(path) to bind the socket in: \(String(cString: strerror(errno)))."
            )
        }
        return Staging(folder: String(cString: made))
    }

    /// Makes the staged socket 0660 and links it at `path`. Fails, leaving `path` alone, when
    /// something was put there since `claim()` (a second server starting at the same moment).
    func publish(_ staging: Staging) throws {
        guard chmod(staging.socket, 0o660) == 0 else {
            throw InUse(description: "Cannot set the mode of \(path): \(String(cString: strerror(errno))).")
        }
        guard link(staging.socket, path) == 0 else {
            let reason = errno == EEXIST ? "another server took the path meanwhile" : String(cString: strerror(errno))
            throw InUse(description: "Cannot put the socket at \(path): \(reason).")
        }
    }

    func removeStagingFolder(_ staging: Staging) {
        unlink(staging.socket)
        rmdir(staging.folder)
    }

    /// The file's identity once bound, so the server removes only its own socket at exit.
    func identity() -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// Unlinks the socket if it is still the one this server bound.
    func release(ifStill identity: (device: UInt64, inode: UInt64)?) {
        guard let identity, let now = self.identity(), now == identity else { return }
        unlink(path)
    }

    private func isAnswering() -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        // ECONNREFUSED: nobody listens, the file is stale. EAGAIN: a listener with a full
        // backlog is alive all the same.
        return result == 0 || errno == EAGAIN
    }
}
