import Foundation
import Testbed
import SocketServer

/// A `loyalgate gateway` process inside a umockdev test bed, started and stopped by the test.
/// Its log goes to a file that a failing test prints.
final class GatewayProcess {
    let socket: String
    let logPath: String
    let directory: String
    private(set) var process: ChildProcess?

    init(core: CoreProcess, devices: EmulatedDevices, configuration: String? = nil, environment: [String: String] = [:]) throws {
        directory = core.data
        socket = core.data + "/gateway.sock"
        logPath = core.data + "/gateway.log"
        var arguments = ["gateway", "--core", core.socket, "--socket", socket]
        if let configuration {
            let path = core.data + "/gateway.json"
            try configuration.write(toFile: path, atomically: true, encoding: .utf8)
            arguments += ["--config", path]
        }
        let process = try ChildProcess(Loyalgate.binary, arguments, environment: devices.environment.merging(environment) { _, new in new },
                                       stdoutPath: core.data + "/gateway.out", stderrPath: logPath)
        try process.start()
        self.process = process
        do {
            try process.waitForSocket(socket, within: .seconds(10))
        } catch {
            throw CoreProcess.SetupError("the gateway did not start: \(error)\n\(log)")
        }
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func till() throws -> TillConnection { TillConnection(try UnixLineClient(path: socket)) }

    /// SIGTERM (SIGKILL after 10 s), then the exit status.
    func terminate() -> Int32 {
        guard let process else { return -1 }
        self.process = nil
        return process.stop()
    }

    deinit {
        process?.kill()
    }
}

/// A till on the gateway socket: requests, and events waited for with a deadline.
final class TillConnection {
    let client: UnixLineClient
    private var nextID = 0
    /// Events that arrived while waiting for an answer, kept in order.
    private var backlog: [[String: Any]] = []

    init(_ client: UnixLineClient) { self.client = client }

    /// Sends a request and returns its answer; events read meanwhile are kept for `next`.
    func request(_ op: String, _ parameters: [String: Any] = [:]) throws -> [String: Any] {
        nextID += 1
        var body = parameters
        body["id"] = nextID
        body["op"] = op
        try client.send(Array(JSONSerialization.data(withJSONObject: body)) + [0x0A])
        while true {
            guard let line = try client.readLine() else { throw UnixLineClient.ClientError.closed }
            let object = json(line)
            if object["event"] != nil { backlog.append(object) } else { return object }
        }
    }

    @discardableResult
    func subscribe(devices: [String]? = nil, since: Int? = nil, epoch: String? = nil) throws -> [String: Any] {
        var parameters: [String: Any] = [:]
        if let devices { parameters["devices"] = devices }
        if let since { parameters["since"] = since }
        if let epoch { parameters["epoch"] = epoch }
        return try request("subscribe", parameters)
    }

    /// The next event (of `name`, when given), waiting at most `seconds`; nil on timeout.
    func next(_ name: String? = nil, within seconds: Double = 10) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let index = backlog.firstIndex(where: { name == nil || $0["event"] as? String == name }) {
                return backlog.remove(at: index)
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0, client.waitReadable(milliseconds: Int32(left * 1000)) else { return nil }
            guard let line = try? client.readLine() else { return nil }
            backlog.append(json(line))
        }
    }

    /// The next `scan` event.
    func nextScan(within seconds: Double = 10) -> [String: Any]? { next("scan", within: seconds) }

    /// Every event received so far that was not taken by `next`.
    var unread: [[String: Any]] { backlog }
}

extension [String: Any] {
    var errorCode: String? { (self["error"] as? [String: Any])?["code"] as? String }
    var account: [String: Any]? { (self["card"] as? [String: Any])?["account"] as? [String: Any] }
    var deviceID: String? { (self["device"] as? [String: Any])?["id"] as? String ?? self["device"] as? String }
}

/// A scanner scanning: its key events go out in one write, `gap` apart as a real scanner's
/// are, stamped by the test bed as it writes them (EmulatedDevices.type).
func scan(_ script: KeyScript, on scanner: EmulatedScanner, in devices: EmulatedDevices, gap: Duration = .milliseconds(4)) throws {
    try devices.type(script, on: scanner.node, gap: gap)
}
