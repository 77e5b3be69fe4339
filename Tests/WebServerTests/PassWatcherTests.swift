import Foundation
import Logging
import LoyalgateClient
import LoyalgateProtocol
import Testbed
import Testing
import WalletPasses

@testable import WebServer

/// The web's watcher of registered Apple Wallet passes against the real core over its socket:
/// nothing is pushed while the figures stand still, and an earn pushes to the device's token
/// (through `PassPushing`, here a recorder: APNs cannot be reached from a test).
@Suite struct PassWatcherTests {
    final class Recorder: PassPushing, @unchecked Sendable {
        private let lock = NSLock()
        private var pushes: [[String]] = []
        func push(passTypeIdentifier: String, pushTokens: [String]) async {
            lock.withLock { pushes.append(pushTokens) }
        }
        var all: [[String]] { lock.withLock { pushes } }
    }

    /// A real core on a fresh folder with the Dutch pharmacy's program and one card.
    final class Core {
        let data = "/tmp/lg-w-\(UUID().uuidString.prefix(8))"
        var socket: String { data + "/core.sock" }
        var process: ChildProcess?

        init(card: String) throws {
            let binary = try LoyalgateBinary.path()
            let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("examples")
            for arguments in [
                ["program", "import", "--data", data, examples.appendingPathComponent("dutch-pharmacy.json").path],
                ["cards", "add", "--data", data, card],
            ] {
                let result = try ChildProcess.run(binary, arguments)
                guard result.status == 0 else { throw ChildProcess.Failure("\(arguments): \(result.stderr)") }
            }
            let process = try ChildProcess(binary, ["core", "--data", data, "--socket", socket])
            try process.start()
            self.process = process
            try process.waitForSocket(socket)
        }

        deinit {
            process?.kill()
            try? FileManager.default.removeItem(atPath: data)
        }
    }

    @Test func anEarnPushesToTheRegisteredDevicesAndNothingElseDoes() async throws {
        let number = "2990001000513"
        let core = try Core(card: number)
        let client = try LoyalgateClient(socket: core.socket)
        let token = try await client.call(CoreOp.CardholderToken.self, .init(card: number)).token
        let recorder = Recorder()
        let state = core.data + "/web"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let web = try WebApp(
            configuration: WebConfiguration(
                coreSocket: core.socket, host: "127.0.0.1", port: 0, stateFolder: state, push: recorder),
            staff: try StaffAccounts(folder: state), logger: Logger(label: "test"))
        let passType = "pass.nl.apotheekdelinde.card"
        _ = web.registrations.register(
            device: "device-1", passType: passType, serial: number, pushToken: "push-1", token: token)
        let view = try await client.call(CoreOp.CardholderView.self, .init(token: token))
        web.registrations.note(passType: passType, serial: number, fingerprint: WebApp.fingerprint(view), token: nil)

        await web.checkPasses()
        #expect(recorder.all.isEmpty)
        _ = try await client.call(
            CoreOp.TxnEarn.self,
            .init(card: number, till: "t1", receipt: "w1", lines: [.init(sku: "x", amount: "9.00")]))
        await web.checkPasses()
        #expect(recorder.all == [["push-1"]])
        await web.checkPasses()
        #expect(recorder.all.count == 1)
        // The registration outlives the web: it is in the state folder, the owner's alone.
        let file = state + "/wallet-registrations.json"
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int == 0o600)
        #expect(PassRegistrations(path: file).serials(device: "device-1", passType: passType) == [number])
    }
}
