import Foundation
import LoyalgateClient
import Testbed

/// A `loyalgate gateway` process inside a umockdev test bed, started and stopped by the test.
/// Its log goes to a file that a failing test prints.
final class GatewayProcess {
    let socket: String
    let logPath: String
    let directory: String
    private(set) var process: ChildProcess?

    init(
        core: CoreProcess, devices: EmulatedDevices, configuration: String? = nil, environment: [String: String] = [:],
        arguments extra: [String] = []
    ) throws {
        directory = core.data
        socket = core.data + "/gateway.sock"
        logPath = core.data + "/gateway.log"
        var arguments = ["gateway", "--core", core.socket, "--socket", socket] + extra
        if let configuration {
            let path = core.data + "/gateway.json"
            try configuration.write(toFile: path, atomically: true, encoding: .utf8)
            arguments += ["--config", path]
        }
        let process = try ChildProcess(
            Loyalgate.binary, arguments, environment: devices.environment.merging(environment) { _, new in new },
            stdoutPath: core.data + "/gateway.out", stderrPath: logPath)
        try process.start()
        self.process = process
        do {
            try process.waitForSocket(socket, within: .seconds(10))
        } catch {
            throw CoreProcess.SetupError("the gateway did not start: \(error)\n\(log)")
        }
        waitUntilReading(devices.pluggedScanners)
    }

    /// Waits (at most 5 s) until the gateway reads every scanner plugged in before it started: it
    /// opens them on their own threads after its socket is up, and a scan typed before that, or
    /// a subscription that expects them listed, would race it on a loaded machine. A scanner the
    /// test expects the gateway to refuse is simply waited for in vain.
    func waitUntilReading(_ scanners: Set<String>) {
        guard !scanners.isEmpty, let probe = try? UnixLineClient(path: socket) else { return }
        for _ in 0..<250 {
            let listed =
                (try? probe.request(#"{"id":1,"op":"devices.list"}"#)).map(json)?["devices"] as? [[String: Any]]
            if scanners.isSubset(of: Set((listed ?? []).compactMap { $0["id"] as? String })) { return }
            usleep(20_000)
        }
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func till() throws -> TillConnection { TillConnection(try UnixLineClient(path: socket)) }

    /// `gateway.status`'s answer, on a connection of its own.
    func status() throws -> [String: Any] {
        json(try UnixLineClient(path: socket).request(#"{"id":1,"op":"gateway.status"}"#))
    }

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

/// A scanner scanning: its key events go out in one write, `gap` apart as a real scanner's
/// are, stamped by the test bed as it writes them (EmulatedDevices.type).
func scan(
    _ script: KeyScript, on scanner: EmulatedScanner, in devices: EmulatedDevices, gap: Duration = .milliseconds(4)
) throws {
    try devices.type(script, on: scanner.node, gap: gap)
}
