import Foundation
import LoyalgateClient
import LoyalgateProtocol
import Testbed
import Testing

/// `loyalgate backup` while the core serves tills, and `loyalgate restore` on the stopped core:
/// the restored ledger is the one at the time of the backup, and `verify` passes on it.
@Suite struct BackupTests {
    @Test func aBackupTakenWhileTheCoreRunsRestoresToThatMoment() throws {
        let core = CoreProcess()
        let number = card("2990001", 41)
        try core.setUp(programs: ["dutch-pharmacy"], cards: [number])
        try core.start()
        let till = try core.typedClient()
        func earn(_ receipt: String) throws -> Int64 {
            try till.call(
                CoreOp.TxnEarn.self,
                .init(card: number, till: "t1", receipt: receipt, lines: [.init(sku: "x", amount: "17.95")])
            ).account.points
        }
        #expect(try earn("0001") == 17)
        let file = core.data + "/backup-1.sqlite"
        let backup = try Loyalgate.run(["backup", "--data", core.data, "--to", file])
        #expect(backup.status == 0, "\(backup.stderr)")
        #expect(backup.stdout.contains("integrity checked"))
        var info = stat()
        #expect(stat(file, &info) == 0 && info.st_mode & 0o777 == 0o600)
        // A backup is never written over.
        #expect(try Loyalgate.run(["backup", "--data", core.data, "--to", file]).status == 1)
        #expect(try earn("0002") == 34)

        // Not while the core runs.
        let refused = try Loyalgate.run(["restore", "--data", core.data, "--from", file])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("Restore only a stopped core"), "\(refused.stderr)")

        #expect(core.terminate() == 0)
        let restored = try Loyalgate.run(["restore", "--data", core.data, "--from", file])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("loyalgate.sqlite.replaced-"), "\(restored.stdout)")
        let verify = try Loyalgate.run(["core", "verify", "--data", core.data])
        #expect(verify.status == 0, "\(verify.stdout)")
        try core.start()
        let after = try core.typedClient().call(CoreOp.CardLookup.self, .init(card: number))
        #expect(after.account.points == 17)
        #expect(core.terminate() == 0)
    }

    @Test func aFileThatIsNotALedgerIsNotRestored() throws {
        let folder = Loyalgate.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let junk = folder + "/junk.sqlite"
        try Data("not a database at all".utf8).write(to: URL(fileURLWithPath: junk))
        let result = try Loyalgate.run(["restore", "--data", folder + "/data", "--from", junk])
        #expect(result.status == 1)
        #expect(result.stderr.contains("loyalgate restore:"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/data/loyalgate.sqlite"))
    }
}
