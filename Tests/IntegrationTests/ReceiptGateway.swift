import Foundation
import ReceiptEncoding
import Receipts
import Testbed

/// A real `loyalgate gateway` with receipt printers, printing through a private cupsd whose raw
/// queues send to emulated ESC/POS printers (PrinterCatcher: a TCP listener on 127.0.0.1 that
/// keeps each job's bytes) — the whole path a till's `receipt.print` takes.
final class ReceiptGateway {
    let cups: CupsHarness
    let core = CoreProcess()
    let devices: EmulatedDevices
    let printer = try! PrinterCatcher()
    /// Behind a queue the test stops and starts (cupsdisable/cupsenable).
    let flaky: PrinterCatcher
    let gateway: GatewayProcess
    let folder: String

    static let logo = Loyalgate.examples.appendingPathComponent("cards/linde-logo.png").path
    static let template = ReceiptHeader(
        merchantName: "Apotheek De Linde", addressLines: ["Marktstraat 12, 9800 Deinze"], logo: logo)

    /// `core`, when given, prepares the core (programs, cards) and starts it before the gateway,
    /// for receipts whose loyalty block the gateway fetches from it.
    /// `access` is the gateway configuration's `access` section (JSON), when the test binds tills.
    /// `browser` is the configuration's `browser` section (JSON), for the browser bridge.
    init(
        failAfterSeconds: Double = 3, access: String? = nil, browser: String? = nil, cardholderURL: String? = nil,
        core prepare: ((CoreProcess) throws -> Void)? = nil
    ) throws {
        try prepare?(core)
        cups = try CupsHarness()
        devices = try EmulatedDevices()
        flaky = try PrinterCatcher()
        folder = core.data
        try cups.addQueue("receipt", catcher: printer, plainSocket: true)
        try cups.addQueue("flaky", catcher: flaky, plainSocket: true)
        // A queue whose printer is switched off: nothing listens on its port.
        try cups.lp("lpadmin", ["-p", "dead", "-v", "socket://127.0.0.1:\(Self.closedPort())", "-m", "raw", "-E"])
        try Data("GIF89a not a png".utf8).write(to: URL(fileURLWithPath: folder + "/bad-logo.png"))
        let configuration = """
            {\(access.map { "\"access\": \($0)," } ?? "")\(browser.map { "\"browser\": \($0)," } ?? "")"receipts": {
              "failAfterSeconds": \(failAfterSeconds),\(cardholderURL.map { "\"cardholderURL\": \"\($0)\"," } ?? "")
              "templates": {
                "linde": {"merchantName": "Apotheek De Linde", "addressLines": ["Marktstraat 12, 9800 Deinze"], "logo": "\(Self.logo)"},
                "broken": {"merchantName": "Broken logo", "logo": "bad-logo.png"}
              },
              "printers": [
                {"id": "till-1", "queue": "receipt", "model": "epson-tm-t88v", "template": "linde"},
                {"id": "till-2", "queue": "flaky", "model": "generic-58mm", "template": "linde"},
                {"id": "off", "queue": "dead", "model": "epson-tm-t20ii"},
                {"id": "odd-model", "queue": "receipt", "model": "epson-tm-u220"},
                {"id": "bad-logo", "queue": "receipt", "model": "epson-tm-t88v", "template": "broken"}
              ]
            }}
            """
        // Outside the umockdev test bed (no scanners are needed here): under its preload library
        // libcups' requests to the private cupsd never complete.
        gateway = try GatewayProcess(
            core: core, devices: devices, configuration: configuration,
            environment: cups.environment.merging(["LD_PRELOAD": "", "UMOCKDEV_DIR": ""]) { $1 })
    }

    /// A port on 127.0.0.1 that nothing listens on (bound, read, closed).
    static func closedPort() -> Int {
        for _ in 0..<10 {
            let port = boundAndClosedPort()
            if port > 0 { return port }
            usleep(50_000)
        }
        return 9
    }

    private static func boundAndClosedPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A receipt document as a till sends it (no header: the template gives it).
    static func receipt(till: String = "1", number: Int = 1042, lines: Int = 3) -> [String: Any] {
        [
            "language": "nl", "currency": "€",
            "lines": (0..<lines).map {
                [
                    "description": "Till \(till) receipt \(number) item \($0) – crème", "qty": 1,
                    "amount": "\($0 + 1).99",
                ]
            },
            "totals": [["label": "TOTAAL", "amount": "9.97", "emphasized": true]],
            "payments": [["method": "Bancontact", "amount": "9.97"]],
            "loyalty": ["cardNumber": "2900000000018", "discountEarned": "0.20", "discountSpendable": "12.40"],
            "footer": [
                "lines": ["Bedankt!"], "barcode": ["type": "QR", "data": "https://example.org/r/\(till)/\(number)"],
            ],
        ]
    }

    /// The bytes the printer must receive for `receipt` on `model` with the Linde template.
    static func expectedBytes(_ receipt: [String: Any], model: String = "epson-tm-t88v") throws -> Data {
        let composer = try ReceiptComposer(model: model, template: template)
        let document = try composer.document(json: JSONSerialization.data(withJSONObject: receipt))
        return Data(try composer.render(document, logoPath: logo))
    }
}

extension TillConnection {
    /// `print.job` events for `job` until it is completed or failed.
    func jobEvents(_ job: String, within seconds: Double = 60) -> [[String: Any]] {
        var events: [[String: Any]] = []
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, let event = next("print.job", within: deadline.timeIntervalSinceNow) {
            guard event["job"] as? String == job else { continue }
            events.append(event)
            if ["completed", "failed"].contains(event["state"] as? String ?? "") { break }
        }
        return events
    }
}

extension ReceiptGateway {
    /// Runs a CUPS administration tool from /usr/sbin against this scheduler.
    func admin(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/" + tool)
        process.arguments = ["-h", cups.socket] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CoreProcess.SetupError("\(tool) \(arguments) failed") }
    }
}
