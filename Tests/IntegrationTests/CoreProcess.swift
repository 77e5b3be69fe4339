import Foundation
import LoyalgateClient
import Testbed

/// A `loyalgate core` process on a data folder, started and stopped by the test.
final class CoreProcess {
    let data: String
    let socket: String
    private(set) var process: ChildProcess?

    init(data: String = Loyalgate.temporaryDirectory()) {
        self.data = data
        self.socket = data + "/core.sock"
    }

    /// Imports example programs and registers cards with the CLI, as a technician would.
    func setUp(programs: [String], cards: [String] = [], member: Bool = false) throws {
        for program in programs {
            let result = try Loyalgate.run([
                "program", "import", "--data", data, Loyalgate.examples.appendingPathComponent(program + ".json").path,
            ])
            guard result.status == 0 else {
                throw SetupError("program import exited \(result.status): \(result.stderr) \(result.stdout)")
            }
        }
        if !cards.isEmpty {
            let result = try Loyalgate.run(["cards", "add", "--data", data] + (member ? ["--member"] : []) + cards)
            guard result.status == 0 else {
                throw SetupError("card add exited \(result.status): \(result.stderr) \(result.stdout)")
            }
        }
    }

    struct SetupError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    /// Starts the core (with extra `arguments`) and waits until its socket accepts, at most `limit`.
    func start(
        arguments: [String] = [], environment: [String: String] = [:], within limit: Duration = .seconds(5)
    ) throws {
        let process = try ChildProcess(
            Loyalgate.binary, ["core", "--data", data, "--socket", socket] + arguments, environment: environment)
        try process.start()
        self.process = process
        do {
            try process.waitForSocket(socket, within: limit)
        } catch {
            throw SetupError("the core did not start: \(error)")
        }
    }

    func client() throws -> UnixLineClient { try UnixLineClient(path: socket) }

    /// The typed client, as a till or back-office program in Swift talks to the core.
    func typedClient() throws -> LoyalgateClient { try LoyalgateClient(socket: socket) }

    func kill9() {
        process?.kill()
        process = nil
    }

    /// SIGTERM (SIGKILL after 10 s), then the exit status; `lastLog` then holds what it wrote to
    /// stderr (for the message of a failing expectation).
    func terminate() -> Int32 {
        guard let process else { return -1 }
        self.process = nil
        let status = process.stop()
        lastLog = (try? String(contentsOfFile: process.stderrPath, encoding: .utf8)) ?? ""
        return status
    }

    private(set) var lastLog = ""

    /// What the running core has written to stderr so far.
    var log: String { process.flatMap { try? String(contentsOfFile: $0.stderrPath, encoding: .utf8) } ?? lastLog }

    deinit {
        process?.kill()
        try? FileManager.default.removeItem(atPath: data)
    }
}
