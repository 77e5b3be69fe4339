import ArgumentParser
// `stat` and `timespec` below: with swift-nio-ssl's C modules in the build, the compiler may
// attribute these C structs to CoreFoundation rather than Glibc (MemberImportVisibility).
import CoreFoundation
import Foundation
import Gateway
import LoyalgateClient
import LoyalgateProtocol
import Receipts
import ScannerDrivers

/// `loyalgate doctor`: what a technician runs after plugging a scanner in. Lists every input,
/// hidraw and CDC-ACM node with whether it counts as a scanner and why, then asks the gateway
/// (grabbed? last scan?), the core and CUPS. Exits 1 when something needs fixing.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check scanners, permissions, the gateway, the core and CUPS; exit 1 if something is wrong.")

    @Option(help: "The gateway's socket.") var socket: String = ".loyalgate/gateway.sock"
    @Option(help: "The core's socket, or tls://HOST:PORT for a remote core (with --tls-dir).")
    var core: String = ".loyalgate/core.sock"
    @OptionGroup var tls: TLSClientOptions
    @Option(help: "The gateway's configuration file.") var config: String?

    @Flag(help: "Print the findings as one JSON object (for remote support) instead of text.")
    var json = false

    func run() throws {
        let report = try examine()
        print(json ? try PrettyJSON.text(report) : report.text)
        if !report.ok { throw ExitCode(1) }
    }

    /// Looks at the devices, the gateway, the core and CUPS.
    func examine() throws -> DoctorReport {
        let configuration = try config.map { try GatewayConfiguration.load(path: $0) } ?? GatewayConfiguration()
        let (entries, table) = try DeviceInventory.current(configuration: configuration)
        let status = Self.ask(.unix(path: socket)) { try $0.call(GatewayOp.GatewayStatus.self) }
        let coreAnswer = Self.ask(try tls.endpoint(core)) { client in Result { try client.call(CoreOp.CoreStatus.self) }
        }
        let coreStatus = try? coreAnswer?.get()
        // It answers, but not to this user: no rule of its access file names it.
        let coreRefusal: LoyaltyError? =
            if case .failure(let refusal as LoyaltyError) = coreAnswer { refusal } else { nil }
        let gatewayNodes = Dictionary(
            (status?.nodes ?? []).map { ($0.device.node, $0) }, uniquingKeysWith: { first, _ in first })

        var report = DoctorReport(
            uid: getuid(), scannerTable: .init(sources: table.sources, entries: table.records.count),
            gateway: .init(
                socket: socket, answers: status != nil, tills: status?.tills, coreConnected: status?.core.connected,
                coreError: status?.core.error, cardPrefixes: status?.core.cardRanges.map(\.prefix),
                typing: status?.typing),
            core: .init(
                socket: core, answers: coreStatus != nil || coreRefusal != nil, refusal: coreRefusal?.message,
                merchants: coreStatus?.merchants.map { .init(code: $0.code, cardPrefix: $0.cardPrefix) }),
            cupsQueues: Self.cupsQueues(), uinput: Self.uinput())
        if table.records.isEmpty { report.problems.append("No scanner table was found, so no scanner is recognised.") }

        for entry in entries {
            let facts = entry.facts, verdict = entry.classification
            var node = DoctorReport.Node(
                node: facts.devnode, usbID: facts.usbID, name: facts.name, id: facts.id, scanner: verdict.isScanner,
                reason: verdict.reason)
            defer { report.nodes.append(node) }
            guard verdict.isScanner else { continue }
            node.mode = verdict.mode?.rawValue
            node.family = verdict.family
            if verdict.mode == .keyboard {
                let known = KeyDecoder.isKnownLayout(verdict.layout, variant: verdict.variant)
                node.layout = verdict.layout
                node.variant = verdict.variant
                node.suffix = verdict.suffix
                node.layoutKnown = known
                node.passThrough = verdict.passThrough.rawValue
                if verdict.passThrough == .shared, facts.properties["LIBINPUT_IGNORE_DEVICE"] == "1" {
                    report.problems.append(
                        "\(facts.devnode) is shared with the till program, but udev tells the desktop to ignore it (LIBINPUT_IGNORE_DEVICE=1): mark it LOYALGATE_PASS_THROUGH=shared in a site hwdb file (udev/README.md)."
                    )
                }
                if !known {
                    report.problems.append("\(facts.devnode): keyboard layout \(verdict.layout) is not known to XKB.")
                }
            }
            node.permissions = Self.permissions(facts.devnode)
            node.readableByThisUser = access(facts.devnode, R_OK) == 0
            if let seen = gatewayNodes[facts.devnode] {
                let grabbed = verdict.mode == .keyboard ? seen.device.grabbed : nil
                node.gateway = .init(
                    reading: seen.open, error: seen.open ? nil : seen.error ?? "unknown reason", grabbed: grabbed,
                    lastScan: seen.lastScan, lastScanAt: seen.lastScanAt)
                if !seen.open {
                    report.problems.append(
                        "\(facts.devnode): the gateway cannot read it: \(seen.error ?? "unknown reason").")
                } else if grabbed == false, verdict.passThrough != .shared {
                    report.problems.append(
                        "\(facts.devnode): another program holds the scanner (keyd, a kiosk?); its scans also type into the desktop."
                    )
                }
            }
        }
        if !report.nodes.contains(where: \.scanner) {
            report.problems.append(
                "No scanner found. Is it plugged in? If it is not in the table, add it (udev/README.md) or to the gateway configuration."
            )
        }
        if let status, !status.core.connected {
            report.problems.append("The gateway is not connected to the core; card scans get core-unavailable.")
        }
        if status == nil { report.problems.append("The gateway does not answer on \(socket).") }
        if let refusal = coreRefusal {
            report.problems.append("The core refuses this user (\(refusal.code.rawValue)).")
        } else if coreStatus == nil {
            report.problems.append("The core does not answer on \(core).")
        }
        let filtering = entries.filter { $0.classification.isScanner && $0.classification.passThrough == .filter }
        if !filtering.isEmpty, access(UInputKeyboard.path, W_OK) != 0 {
            report.problems.append(
                "\(filtering.map(\.facts.devnode).joined(separator: ", ")) in filter mode, but \(report.uinput): product scans are not typed into the till program."
            )
        }
        if let receipts = configuration.receipts {
            let printers = ReceiptPrinterDoctor.check(receipts)
            report.receiptPrinters = printers.lines
            report.problems += printers.problems
        }
        return report
    }

    /// One typed call to a process that may be down or hung: nil unless it answers within 2 s.
    static func ask<Answer>(_ endpoint: CoreEndpoint, _ call: (LoyalgateClient) throws -> Answer) -> Answer? {
        guard let client = try? LoyalgateClient(endpoint: endpoint, timeoutMilliseconds: 2000) else { return nil }
        return try? call(client)
    }

    /// /dev/uinput: there, and writable by this user (the gateway's, when doctor runs as it)?
    static func uinput() -> String {
        let path = UInputKeyboard.path
        guard FileManager.default.fileExists(atPath: path) else {
            return
                "\(path) does not exist: this kernel has no uinput (CONFIG_INPUT_UINPUT) or the module is not loaded (modprobe uinput)"
        }
        return access(path, W_OK) == 0
            ? "\(path) is available" : "\(path) is there but this user cannot write it (\(permissions(path)))"
    }

    static func permissions(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "cannot stat: \(String(cString: strerror(errno)))" }
        let owner = getpwuid(info.st_uid).map { String(cString: $0.pointee.pw_name) } ?? String(info.st_uid)
        let group = getgrgid(info.st_gid).map { String(cString: $0.pointee.gr_name) } ?? String(info.st_gid)
        return String(format: "%@:%@ mode %o", owner, group, info.st_mode & 0o777)
    }

    /// `lpstat -e` lists the queues; printing is optional for scanning, so this is information.
    static func cupsQueues() -> [String] {
        guard
            let lpstat = ["/usr/bin/lpstat", "/bin/lpstat"].first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else {
            return ["CUPS client not installed (lpstat not found); receipts cannot be printed through CUPS"]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: lpstat)
        process.arguments = ["-e"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        guard (try? process.run()) != nil else { return ["lpstat could not be run"] }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let queues = text.split(separator: "\n").map(String.init)
        if process.terminationStatus != 0 { return ["CUPS does not answer (is cupsd running?)"] }
        return queues.isEmpty ? ["no queues"] : queues
    }
}
