import Foundation
import Testbed
import Testing

/// The Python reference client for till vendors (clients/python) runs its own tests against the
/// real core and gateway: this suite starts them and runs `python3 -m unittest`, typing a scan
/// on the emulated scanner whenever the Python side asks for one (`scan DATA` on its stdout,
/// answered `scanned` on its stdin).
@Suite("The Python reference till client", .serialized, .enabled(if: EmulatedDevices.isAvailable))
struct ReferenceClientTests {
    @Test("Subscribing, a card scan with its balance, and the scans missed while away, from Python")
    func scansThroughTheGateway() throws {
        let (member, core, devices) = try ScannerShop.open(memberSerial: 31)
        let scanner = EmulatedScanner.keyboardWedge(serial: "PYTILL", port: 2, event: 22)
        try devices.plug(scanner)
        let gateway = try GatewayProcess(core: core, devices: devices)
        let run = try PythonTests.run(
            ["test_loyalgate_till.ScanTests"],
            environment: [
                "LOYALGATE_GATEWAY_SOCKET": gateway.socket, "LOYALGATE_SCANNER": scanner.id, "LOYALGATE_CARD": member,
            ]
        ) { data in
            // `scanned` means the gateway has the scan as an event (its cursor moved), not only
            // that the keys were typed: the Python side reconnects right after.
            let before = try gateway.status()["cursor"] as? Int
            try scan(.usScan(data), on: scanner, in: devices)
            for _ in 0..<250 where try gateway.status()["cursor"] as? Int == before { usleep(20_000) }
        }
        #expect(run.status == 0, "\(run.output)\n\(gateway.log)")
        #expect(run.ran == 2, "\(run.output)")
    }

    @Test("Earns retried after a lost answer count once, and a receipt prints once with the fetched balances")
    func earnsAndReceipts() throws {
        let number = card("2440001", 32)
        let setup = try ReceiptGateway { core in
            try core.setUp(programs: ["german-shop"], cards: [number])
            try core.start()
        }
        let run = try PythonTests.run(
            ["test_loyalgate_till.CoreTests", "test_loyalgate_till.ReceiptTests"],
            environment: [
                "LOYALGATE_CORE_SOCKET": setup.core.socket, "LOYALGATE_GATEWAY_SOCKET": setup.gateway.socket,
                "LOYALGATE_PRINTER": "till-1", "LOYALGATE_CARD": number,
            ])
        #expect(run.status == 0, "\(run.output)\n\(setup.gateway.log)")
        #expect(run.ran == 7, "\(run.output)")
        // The receipt asked for twice with one key reached the printer once.
        #expect(setup.printer.waitForJobs(1))
        usleep(500_000)
        #expect(setup.printer.jobs.count == 1)
    }
}

/// `python3 -m unittest` in clients/python, with a scan typed for each `scan DATA` it writes.
enum PythonTests {
    struct Run {
        var status: Int32
        /// What unittest wrote (stderr) and the scan requests (stdout).
        var output: String
        /// How many tests ran, as unittest counts them ("Ran 7 tests").
        var ran: Int? {
            guard let range = output.range(of: #"Ran (\d+) tests?"#, options: .regularExpression) else { return nil }
            return Int(output[range].split(separator: " ")[1])
        }
    }

    /// `interpreter`: Debian's own for tests that need its packages (python3-selenium), which
    /// another python3 earlier on PATH would not see.
    static func run(
        _ tests: [String], in folder: String = "clients/python", interpreter: String = "python3",
        environment: [String: String], scan: (String) throws -> Void = { _ in }
    ) throws -> Run {
        let folder = Loyalgate.repository.appendingPathComponent(folder)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [interpreter, "-m", "unittest", "-v"] + tests
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.merging(
            environment.merging(["PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"]) { $1 }
        ) { $1 }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        // unittest's report is read on its own thread so a long one never fills the pipe.
        let report = ReportReader(errors.fileHandleForReading)
        try process.run()
        var requests = ""
        // One request line at a time: the Python side waits for `scanned` before going on.
        while let line = readLine(output.fileHandleForReading) {
            requests += line + "\n"
            guard line.hasPrefix("scan ") else { continue }
            try scan(String(line.dropFirst(5)))
            input.fileHandleForWriting.write(Data("scanned\n".utf8))
        }
        process.waitUntilExit()
        return Run(status: process.terminationStatus, output: report.text() + requests)
    }

    private static func readLine(_ handle: FileHandle) -> String? {
        var bytes: [UInt8] = []
        while true {
            let byte = handle.readData(ofLength: 1)
            guard let first = byte.first else { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if first == 0x0A { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(first)
        }
    }

    private final class ReportReader: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            Thread.detachNewThread { [self] in
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    lock.withLock { data.append(chunk) }
                }
                done.signal()
            }
        }

        func text() -> String {
            _ = done.wait(timeout: .now() + 10)
            return lock.withLock { String(decoding: data, as: UTF8.self) }
        }
    }
}
