import ArgumentParser
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
    @Option(help: "The core's socket.") var core: String = ".loyalgate/core.sock"
    @Option(help: "The gateway's configuration file.") var config: String?

    func run() throws {
        var problems: [String] = []
        let configuration = try config.map { try GatewayConfiguration.load(path: $0) } ?? GatewayConfiguration()
        let (entries, table) = try DeviceInventory.current(configuration: configuration)
        let status = Self.ask(socket) { try $0.call(GatewayOp.GatewayStatus.self) }
        let gatewayNodes = Dictionary(
            (status?.nodes ?? []).map { ($0.device.node, $0) }, uniquingKeysWith: { first, _ in first })

        print(
            "Scanner table: \(table.sources.isEmpty ? "NOT FOUND (install udev/60-loyalgate-scanners.hwdb)" : table.sources.joined(separator: ", ")) (\(table.records.count) entries)"
        )
        if table.records.isEmpty { problems.append("No scanner table was found, so no scanner is recognised.") }
        print("\nInput devices:")
        if entries.isEmpty { print("  none found") }
        var scanners = 0
        for entry in entries {
            let facts = entry.facts, verdict = entry.classification
            print("  \(facts.devnode)  \(facts.usbID ?? "not USB")  \"\(facts.name)\"")
            print("    id \(facts.id)")
            guard verdict.isScanner else {
                print("    not a scanner: \(verdict.reason)")
                continue
            }
            scanners += 1
            let mode = verdict.mode?.rawValue ?? "?"
            print("    SCANNER, \(mode) mode\(verdict.family.map { ", \($0) family" } ?? ""): \(verdict.reason)")
            if verdict.mode == .keyboard {
                let known = KeyDecoder.isKnownLayout(verdict.layout, variant: verdict.variant)
                print(
                    "    keyboard layout \(verdict.layout)\(verdict.variant.map { "(\($0))" } ?? ""), suffix \(verdict.suffix)\(known ? "" : " -- UNKNOWN LAYOUT")"
                )
                if !known {
                    problems.append("\(facts.devnode): keyboard layout \(verdict.layout) is not known to XKB.")
                }
            }
            print("    permissions: \(Self.permissions(facts.devnode))")
            if access(facts.devnode, R_OK) != 0 {
                print("    this user (uid \(getuid())) cannot open it: the udev rules give scanners to group loyalgate")
            }
            if let node = gatewayNodes[facts.devnode] {
                if node.open {
                    let grabbed = node.device.grabbed
                    print(
                        "    gateway: reading it\(verdict.mode == .keyboard ? (grabbed ? ", grabbed (keys do not reach the desktop)" : ", NOT GRABBED") : "")"
                    )
                    if verdict.mode == .keyboard, !grabbed {
                        problems.append(
                            "\(facts.devnode): another program holds the scanner (keyd, a kiosk?); its scans also type into the desktop."
                        )
                    }
                } else {
                    print("    gateway: NOT READING IT: \(node.error ?? "unknown reason")")
                    problems.append("\(facts.devnode): the gateway cannot read it: \(node.error ?? "unknown reason").")
                }
                if let last = node.lastScan {
                    print("    last scan: \(String(reflecting: last)) at \(node.lastScanAt ?? "?")")
                } else {
                    print("    last scan: none yet (scan a barcode and run doctor again)")
                }
            }
        }
        if scanners == 0 {
            problems.append(
                "No scanner found. Is it plugged in? If it is not in the table, add it (udev/README.md) or to the gateway configuration."
            )
        }

        print("\nGateway (\(socket)):")
        if let status {
            print("  answers; \(status.tills) till(s) connected")
            if status.core.connected {
                let ranges = status.core.cardRanges.map(\.prefix)
                print(
                    "  connected to the core; card numbers starting \(ranges.isEmpty ? "(none known)" : ranges.joined(separator: ", ")) are looked up"
                )
            } else {
                print("  NOT CONNECTED to the core: \(status.core.error ?? "not yet")")
                problems.append("The gateway is not connected to the core; card scans get core-unavailable.")
            }
        } else {
            print("  DOES NOT ANSWER: start it with `loyalgate gateway` (or systemctl start loyalgate-gateway)")
            problems.append("The gateway does not answer on \(socket).")
        }

        print("\nCore (\(core)):")
        let coreAnswer = Self.ask(core) { client in Result { try client.call(CoreOp.CoreStatus.self) } }
        if case .success(let coreStatus) = coreAnswer {
            let merchants = coreStatus.merchants
            print(
                "  answers; \(merchants.count) merchant(s): "
                    + merchants.map {
                        "\($0.code) (cards \($0.cardPrefix ?? "?")...)"
                    }.joined(separator: ", "))
        } else if case .failure(let refusal as LoyaltyError) = coreAnswer {
            // It answers, but not to this user: no rule of its access file names it.
            print("  answers, but refuses this user: \(refusal.message)")
            problems.append("The core refuses this user (\(refusal.code.rawValue)).")
        } else {
            print("  DOES NOT ANSWER: start it with `loyalgate core` (or systemctl start loyalgate-core)")
            problems.append("The core does not answer on \(core).")
        }

        print("\nCUPS print queues:")
        print(Self.cupsQueues().map { "  " + $0 }.joined(separator: "\n"))

        if let receipts = configuration.receipts {
            print("\nReceipt printers:")
            let report = ReceiptPrinterDoctor.check(receipts)
            print(report.lines.map { "  " + $0 }.joined(separator: "\n"))
            problems += report.problems
        }

        if problems.isEmpty {
            print("\nAll good.")
        } else {
            print("\n\(problems.count) problem(s):")
            for problem in problems { print("  - \(problem)") }
            throw ExitCode(1)
        }
    }

    /// One typed call to a process that may be down or hung: nil unless it answers within 2 s.
    static func ask<Answer>(_ socket: String, _ call: (LoyalgateClient) throws -> Answer) -> Answer? {
        guard let client = try? LoyalgateClient(socket: socket, timeoutMilliseconds: 2000) else { return nil }
        return try? call(client)
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
