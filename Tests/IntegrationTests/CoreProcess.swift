import Foundation
import SocketServer
import Testbed

/// The real `loyalgate` binary, built beside the test bundle, run as a till's shop would run it.
enum Loyalgate {
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["LOYALGATE_BIN"] { return path }
        let testBundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return testBundle.deletingLastPathComponent().appendingPathComponent("loyalgate").path
    }()

    static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples")

    typealias Output = ChildProcess.Output

    /// Runs a CLI command to completion.
    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        try ChildProcess.run(binary, arguments, environment: environment)
    }

    static func temporaryDirectory() -> String {
        // Short: a Unix socket path must fit in 108 bytes.
        let path = "/tmp/lg-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

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
            let result = try Loyalgate.run(["program", "import", "--data", data, Loyalgate.examples.appendingPathComponent(program + ".json").path])
            guard result.status == 0 else { throw SetupError("program import exited \(result.status): \(result.stderr) \(result.stdout)") }
        }
        if !cards.isEmpty {
            let result = try Loyalgate.run(["cards", "add", "--data", data] + (member ? ["--member"] : []) + cards)
            guard result.status == 0 else { throw SetupError("card add exited \(result.status): \(result.stderr) \(result.stdout)") }
        }
    }

    struct SetupError: Error { let message: String; init(_ message: String) { self.message = message } }

    func start() throws {
        let process = try ChildProcess(Loyalgate.binary, ["core", "--data", data, "--socket", socket])
        try process.start()
        self.process = process
        do {
            try process.waitForSocket(socket, within: .seconds(5))
        } catch {
            throw SetupError("the core did not start: \(error)")
        }
    }

    func client() throws -> UnixLineClient { try UnixLineClient(path: socket) }

    func kill9() {
        process?.kill()
        process = nil
    }

    /// SIGTERM (SIGKILL after 10 s), then the exit status.
    func terminate() -> Int32 {
        guard let process else { return -1 }
        self.process = nil
        return process.stop()
    }

    deinit {
        process?.kill()
        try? FileManager.default.removeItem(atPath: data)
    }
}

/// Reads an answer line as a dictionary.
func json(_ line: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
}

func errorCode(_ line: String) -> String? {
    (json(line)["error"] as? [String: Any])?["code"] as? String
}

func card(_ prefix: String, _ serial: Int) -> String {
    var body = prefix + String(repeating: "0", count: 12 - prefix.count - String(serial).count) + String(serial)
    var sum = 0
    for (offset, digit) in body.reversed().enumerated() { sum += Int(String(digit))! * (offset % 2 == 0 ? 3 : 1) }
    body += String((10 - sum % 10) % 10)
    return body
}
