import Foundation
import SocketServer
import Testing

/// Supplementary groups come from /proc/PID/status, and only when it is still the process the
/// kernel reported for the socket.
@Suite struct PeerCredentialsTests {
    static let status = """
        Name:\tpos-till
        Pid:\t4711
        Uid:\t1001\t1001\t1001\t1001
        Gid:\t1001\t1001\t1001\t1001
        FDSize:\t64
        Groups:\t27 1001 1002 5000 
        NStgid:\t4711
        """

    @Test func theGroupsLineIsReadWhenTheIdsMatch() {
        #expect(PeerCredentials.parseStatus(Self.status, uid: 1001, gid: 1001) == [27, 1001, 1002, 5000])
    }

    @Test func aProcessOfAnotherUserLendsNoGroups() {
        // The pid was reused by another user's process between the connect and the read.
        #expect(PeerCredentials.parseStatus(Self.status, uid: 1002, gid: 1001) == nil)
        #expect(PeerCredentials.parseStatus(Self.status, uid: 1001, gid: 1002) == nil)
        #expect(PeerCredentials.parseStatus("Name:\tx\n", uid: 1001, gid: 1001) == nil)
    }

    @Test func thisProcessGroupsAreRead() {
        let groups = PeerCredentials.supplementaryGroups(pid: getpid(), uid: geteuid(), gid: getegid())
        var own = [gid_t](repeating: 0, count: 256)
        let count = getgroups(Int32(own.count), &own)
        #expect(groups.map(Set.init) == Set(own.prefix(Int(max(0, count)))))
        #expect(PeerCredentials.supplementaryGroups(pid: 0, uid: 0, gid: 0) == nil)
    }
}
