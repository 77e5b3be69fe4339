import Foundation
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Who is on the other end of a Unix socket, as the kernel vouches for it (SO_PEERCRED): the
/// core maps these to roles, so a till program cannot claim to be the back office.
public struct PeerCredentials: Sendable, Equatable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32
    /// Supplementary groups of the connecting process, read when it connected; empty when they
    /// could not be read (then only `gid` counts, which grants less, never more).
    public var groups: [UInt32]

    public init(pid: Int32, uid: UInt32, gid: UInt32, groups: [UInt32] = []) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
        self.groups = groups
    }

    /// Laid out as the kernel's `struct ucred`: pid_t, uid_t, gid_t.
    private struct UCred {
        var pid: Int32
        var uid: UInt32
        var gid: UInt32
    }

    /// Reads them from a connected channel; nil if the kernel would not say.
    static func of(_ channel: any Channel) async -> PeerCredentials? {
        guard let provider = channel as? any SocketOptionProvider else { return nil }
        let future: EventLoopFuture<UCred> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        guard let cred = try? await future.get() else { return nil }
        return PeerCredentials(
            pid: cred.pid, uid: cred.uid, gid: cred.gid,
            groups: supplementaryGroups(pid: cred.pid, uid: cred.uid, gid: cred.gid) ?? [])
    }

    /// The `Groups:` line of /proc/PID/status, read right after the connection is accepted.
    ///
    /// SO_PEERCRED carries only the primary gid, so a rule for a group the till user is a
    /// (supplementary) member of would bind nobody. Linux's SO_PEERGROUPS would give the groups
    /// of the socket itself, but it returns a variable-length list and SwiftNIO's socket-option
    /// call cannot tell how much of its buffer the kernel filled; /proc is read instead. So that
    /// a pid reused by another process between the connect and this read cannot lend its
    /// groups, the file's real and effective uid and gid must be the ones SO_PEERCRED reported;
    /// otherwise (or with /proc mounted `hidepid`) no supplementary group counts: fail closed.
    public static func supplementaryGroups(pid: Int32, uid: UInt32, gid: UInt32, proc: String = "/proc") -> [UInt32]? {
        guard pid > 0, let data = FileManager.default.contents(atPath: "\(proc)/\(pid)/status") else { return nil }
        return parseStatus(String(decoding: data, as: UTF8.self), uid: uid, gid: gid)
    }

    /// The groups listed in a /proc status text, when the effective ids of its `Uid:` and `Gid:`
    /// lines (real, effective, saved, filesystem) are `uid` and `gid` (SO_PEERCRED reports the
    /// effective ones).
    public static func parseStatus(_ text: String, uid: UInt32, gid: UInt32) -> [UInt32]? {
        var fields: [String: [UInt32]] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon])
            guard key == "Uid" || key == "Gid" || key == "Groups" else { continue }
            fields[key] = line[line.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" })
                .compactMap { UInt32($0) }
        }
        guard let uids = fields["Uid"], uids.count >= 2, uids[1] == uid,
            let gids = fields["Gid"], gids.count >= 2, gids[1] == gid
        else { return nil }
        return fields["Groups"] ?? []
    }
}
