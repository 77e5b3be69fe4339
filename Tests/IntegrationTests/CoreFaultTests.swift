import Foundation
import LoyalgateClient
import Testbed
import Testing

/// What an unlucky shop meets: a ledger file emptied or damaged, a full disk, a second core
/// started on the same folder. The real binary on real files; what the till, the log and the
/// technician's `verify` say.
@Suite struct CoreFaultTests {
    static func earn(_ number: String, receipt: String, amount: String = "10.00") -> String {
        #"{"id":1,"op":"txn.earn","card":"\#(number)","till":"t","receipt":"\#(receipt)","lines":[{"sku":"x","amount":"\#(amount)"}]}"#
    }

    /// Runs `loyalgate core` on the folder expecting it to stop by itself (within 20 s).
    static func coreRun(_ data: String, socket: String) throws -> Loyalgate.Output {
        try ChildProcess.run(Loyalgate.binary, ["core", "--data", data, "--socket", socket], within: .seconds(20))
    }

    @Test func aZeroByteLedgerIsRefusedAtStartWithHowToRestoreIt() throws {
        let core = CoreProcess()
        let number = card("2990001", 81)
        try core.setUp(programs: ["dutch-pharmacy"], cards: [number])
        let database = core.data + "/loyalgate.sqlite"
        #expect(!FileManager.default.fileExists(atPath: database + "-wal"))
        #expect(truncate(database, 0) == 0)

        let started = try Self.coreRun(core.data, socket: core.socket)
        #expect(started.status != 0)
        #expect(started.stderr.contains("is empty (0 bytes)"), "\(started.stderr)")
        #expect(started.stderr.contains("Restore the ledger from your latest backup"))
        #expect(!FileManager.default.fileExists(atPath: core.socket))
        // Nothing was made of it: still zero bytes, and verify refuses it too.
        #expect((try FileManager.default.attributesOfItem(atPath: database)[.size] as? Int) == 0)
        let verify = try Loyalgate.run(["core", "verify", "--data", core.data])
        #expect(verify.status != 0)
        #expect(verify.stderr.contains("is empty (0 bytes)"))
        #expect(!verify.stdout.contains("consistent"))

        // A file that is not SQLite at all is refused the same way.
        #expect(FileManager.default.createFile(atPath: database, contents: Data(repeating: 0x41, count: 8192)))
        let garbage = try Self.coreRun(core.data, socket: core.socket)
        #expect(garbage.status != 0)
        #expect(garbage.stderr.contains("is not an SQLite database"), "\(garbage.stderr)")
    }

    @Test func aMissingLedgerInANewFolderIsStillANewLedger() throws {
        let parent = Loyalgate.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let data = parent + "/new-shop"
        let core = try ChildProcess(Loyalgate.binary, ["core", "--data", data, "--socket", parent + "/c.sock"])
        try core.start()
        try core.waitForSocket(parent + "/c.sock", within: .seconds(10))
        let status = try UnixLineClient(path: parent + "/c.sock").request(#"{"id":1,"op":"core.status"}"#)
        #expect(json(status)["ok"] as? Bool == true)
        #expect(core.stop() == 0)
        // Made for the core's user alone.
        var info = stat()
        #expect(stat(data, &info) == 0 && info.st_mode & 0o777 == 0o700)
    }

    /// A damaged page of an index every earn uses: the balances still agree, so only SQLite's own
    /// check finds it; the earns fail, and the core's log says why.
    @Test func verifyRunsSQLitesIntegrityCheckAndEveryInternalErrorIsLoggedWithItsCause() throws {
        let core = CoreProcess()
        let number = card("2990001", 82)
        try core.setUp(programs: ["dutch-pharmacy"], cards: [number])
        try core.start()
        let till = try core.client()
        for receipt in 1...20 {
            #expect(json(try till.request(Self.earn(number, receipt: "r\(receipt)")))["ok"] as? Bool == true)
        }
        #expect(core.terminate() == 0)

        let database = core.data + "/loyalgate.sqlite"
        let page = try #require(
            Int(
                PrintedCards.sql(
                    core.data, "SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_till_txn_1'")[0]))
        let pageSize = try #require(Int(PrintedCards.sql(core.data, "PRAGMA page_size")[0]))
        #expect(page > 1)
        let file = try #require(FileHandle(forUpdatingAtPath: database))
        try file.seek(toOffset: UInt64((page - 1) * pageSize))
        try file.write(contentsOf: Data((0..<pageSize).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 13) }))
        try file.close()

        let verify = try Loyalgate.run(["core", "verify", "--data", core.data])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("DAMAGED: integrity check:"), "\(verify.stdout)")
        #expect(verify.stdout.contains("restore the ledger from your latest backup"))
        #expect(!verify.stdout.contains("ledger consistent"))

        try core.start()
        let failed = try core.client().request(Self.earn(number, receipt: "r21"))
        #expect(errorCode(failed) == "internal-error")
        let log = try #require(core.process).stderr
        #expect(log.contains("internal error"), "\(log)")
        #expect(log.contains("op=txn.earn"))
        #expect(log.contains("till=t"), "the till that saw the failure is named: \(log)")
        // The cause as SQLite gave it: the page is damaged.
        #expect(log.contains("malformed") || log.contains("SQLite error 11"), "\(log)")
    }

    static let canMountTmpfs: Bool = {
        guard getuid() == 0 else { return false }
        let probe = Loyalgate.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard (try? ChildProcess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe]))?.status == 0
        else { return false }
        _ = try? ChildProcess.run("/bin/umount", [probe])
        return true
    }()

    /// A real full disk: the data folder on a 4 MB tmpfs (mounting needs root; the test is
    /// skipped without it), filled up while the core runs.
    @Test(.enabled(if: canMountTmpfs, "mounting a tmpfs needs root"))
    func aFullDiskIsToldToTheTillAsDiskFullAndLoggedAndTheCoreCarriesOnWhenSpaceIsBack() throws {
        let mountPoint = Loyalgate.temporaryDirectory()
        #expect(try ChildProcess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint]).status == 0)
        defer {
            _ = try? ChildProcess.run("/bin/umount", ["-l", mountPoint])
            try? FileManager.default.removeItem(atPath: mountPoint)
        }
        let number = card("2990001", 83)
        let core = CoreProcess(data: mountPoint + "/data")
        try core.setUp(programs: ["dutch-pharmacy"], cards: [number])
        try core.start()
        let till = try core.client()
        #expect(json(try till.request(Self.earn(number, receipt: "before")))["ok"] as? Bool == true)

        // Fill every byte that is left.
        let filler = mountPoint + "/filler"
        let fd = open(filler, O_WRONLY | O_CREAT, 0o600)
        #expect(fd >= 0)
        let chunk = [UInt8](repeating: 0x55, count: 4096)
        while write(fd, chunk, chunk.count) > 0 {}
        while write(fd, chunk, 1) > 0 {}
        #expect(errno == ENOSPC)
        close(fd)

        let full = try till.request(Self.earn(number, receipt: "while-full"))
        #expect(errorCode(full) == "disk-full", "\(full)")
        #expect(((json(full)["error"] as? [String: Any])?["message"] as? String)?.contains("disk is full") == true)
        let log = try #require(core.process).stderr
        #expect(log.contains("disk full"), "\(log)")
        #expect(log.contains("SQLite error 13") || log.contains("database or disk is full"), "\(log)")

        try FileManager.default.removeItem(atPath: filler)
        let after = try till.request(Self.earn(number, receipt: "while-full"))
        #expect(json(after)["ok"] as? Bool == true, "\(after)")
        #expect(json(after)["replayed"] as? Bool == false)
        #expect(core.terminate() == 0)
        let verify = try Loyalgate.run(["core", "verify", "--data", core.data])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("2 till transactions"))
    }

    @Test func aSecondCoreOnTheSameDataFolderExitsAndLeavesTheFirstOneReachable() throws {
        let core = CoreProcess()
        let number = card("2990001", 84)
        try core.setUp(programs: ["dutch-pharmacy"], cards: [number])
        try core.start()
        let till = try core.client()

        let second = try Self.coreRun(core.data, socket: core.socket)
        #expect(second.status == 1)
        #expect(second.stderr.contains("already serves the data folder"), "\(second.stderr)")
        #expect(second.stderr.contains("pid \(try #require(core.process).processIdentifier)"))
        // Another socket path makes no difference: the folder is what is locked.
        let elsewhere = try Self.coreRun(core.data, socket: core.data + "/other.sock")
        #expect(elsewhere.status == 1)
        #expect(!FileManager.default.fileExists(atPath: core.data + "/other.sock"))

        // The first core still answers, on the connection it had and on new ones.
        #expect(json(try till.request(Self.earn(number, receipt: "r1")))["ok"] as? Bool == true)
        #expect(json(try core.client().request(#"{"id":2,"op":"core.status"}"#))["ok"] as? Bool == true)
        #expect(core.terminate() == 0, "\(core.lastLog)")
        // Once it has stopped, the folder is free again.
        try core.start()
        #expect(core.terminate() == 0)
    }
}
