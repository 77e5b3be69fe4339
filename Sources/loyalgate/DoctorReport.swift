import Foundation

/// Everything `loyalgate doctor` finds, as facts: the text a technician reads and the JSON
/// (`doctor --json`) sent to remote support are both drawn from one report, so they never
/// disagree.
struct DoctorReport: Encodable {
    struct ScannerTable: Encodable {
        /// The hwdb files read; empty when none was found.
        var sources: [String]
        var entries: Int
    }

    /// One input, hidraw or CDC-ACM node and what the gateway makes of it.
    struct Node: Encodable {
        var node: String
        var usbID: String?
        var name: String
        var id: String
        var scanner: Bool
        var reason: String
        var mode: String?
        var family: String?
        /// Keyboard-mode scanners only: the XKB layout they type in and whether XKB knows it.
        var layout: String?
        var variant: String?
        var suffix: String?
        var layoutKnown: Bool?
        /// Keyboard-mode scanners: `exclusive`, `shared` or `filter`.
        var passThrough: String?
        /// Scanners only: `owner:group mode 660` and whether this user may open the node.
        var permissions: String?
        var readableByThisUser: Bool?
        /// What the running gateway says of the node; nil when it does not answer or does not list it.
        var gateway: GatewayView?
    }

    struct GatewayView: Encodable {
        var reading: Bool
        var error: String?
        /// Keyboard-mode scanners: held by the gateway alone, so keys do not reach the desktop.
        var grabbed: Bool?
        var lastScan: String?
        var lastScanAt: String?
    }

    struct Gateway: Encodable {
        var socket: String
        var answers: Bool
        var tills: Int?
        var coreConnected: Bool?
        var coreError: String?
        var cardPrefixes: [String]?
        /// Where filter-mode product scans are typed, or why they cannot be.
        var typing: String?
    }

    struct Core: Encodable {
        struct Merchant: Encodable {
            var code: String
            var cardPrefix: String?
        }
        var socket: String
        var answers: Bool
        /// Why the core refused this user, when it answers but not to them.
        var refusal: String?
        var merchants: [Merchant]?
    }

    var uid: UInt32
    var scannerTable: ScannerTable
    var nodes: [Node] = []
    var gateway: Gateway
    var core: Core
    var cupsQueues: [String]
    /// Only when the gateway configuration names receipt printers.
    var receiptPrinters: [String]?
    /// Whether this machine can type (a `filter` device needs /dev/uinput), in one sentence.
    var uinput: String
    var problems: [String] = []
    var ok: Bool { problems.isEmpty }

    enum CodingKeys: String, CodingKey {
        case uid, scannerTable, nodes, gateway, core, cupsQueues, receiptPrinters, uinput, problems, ok
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(uid, forKey: .uid)
        try container.encode(scannerTable, forKey: .scannerTable)
        try container.encode(nodes, forKey: .nodes)
        try container.encode(gateway, forKey: .gateway)
        try container.encode(core, forKey: .core)
        try container.encode(cupsQueues, forKey: .cupsQueues)
        try container.encodeIfPresent(receiptPrinters, forKey: .receiptPrinters)
        try container.encode(uinput, forKey: .uinput)
        try container.encode(problems, forKey: .problems)
        try container.encode(ok, forKey: .ok)
    }

    static let passThroughText = [
        "exclusive": "exclusive (its keys reach only the gateway)",
        "shared": "shared (its keys reach the focused program as before; the gateway reads them too)",
        "filter": "filter (card scans go to the core; product codes are typed into the focused program)",
    ]

    /// The text `loyalgate doctor` prints.
    var text: String {
        var lines: [String] = []
        lines.append(
            "Scanner table: \(scannerTable.sources.isEmpty ? "NOT FOUND (install udev/60-loyalgate-scanners.hwdb)" : scannerTable.sources.joined(separator: ", ")) (\(scannerTable.entries) entries)"
        )
        lines.append("\nInput devices:")
        if nodes.isEmpty { lines.append("  none found") }
        for node in nodes {
            lines.append("  \(node.node)  \(node.usbID ?? "not USB")  \"\(node.name)\"")
            lines.append("    id \(node.id)")
            guard node.scanner else {
                lines.append("    not a scanner: \(node.reason)")
                continue
            }
            lines.append(
                "    SCANNER, \(node.mode ?? "?") mode\(node.family.map { ", \($0) family" } ?? ""): \(node.reason)")
            if let layout = node.layout {
                lines.append(
                    "    keyboard layout \(layout)\(node.variant.map { "(\($0))" } ?? ""), suffix \(node.suffix ?? "?")\(node.layoutKnown == false ? " -- UNKNOWN LAYOUT" : "")"
                )
                lines.append(
                    "    pass-through: \(Self.passThroughText[node.passThrough ?? "exclusive"] ?? node.passThrough!)")
            }
            lines.append("    permissions: \(node.permissions ?? "?")")
            if node.readableByThisUser == false {
                lines.append(
                    "    this user (uid \(uid)) cannot open it: the udev rules give scanners to group loyalgate")
            }
            if let view = node.gateway {
                if view.reading {
                    let keyboard = node.mode == "keyboard"
                    lines.append(
                        "    gateway: reading it\(keyboard ? (view.grabbed == true ? ", grabbed (keys do not reach the desktop)" : node.passThrough == "shared" ? ", not grabbed (shared: keys reach the desktop too)" : ", NOT GRABBED") : "")"
                    )
                } else {
                    lines.append("    gateway: NOT READING IT: \(view.error ?? "unknown reason")")
                }
                if let last = view.lastScan {
                    lines.append("    last scan: \(String(reflecting: last)) at \(view.lastScanAt ?? "?")")
                } else {
                    lines.append("    last scan: none yet (scan a barcode and run doctor again)")
                }
            }
        }

        lines.append("\nGateway (\(gateway.socket)):")
        if gateway.answers {
            lines.append("  answers; \(gateway.tills ?? 0) till(s) connected")
            if let typing = gateway.typing { lines.append("  typing: \(typing)") }
            if gateway.coreConnected == true {
                let ranges = gateway.cardPrefixes ?? []
                lines.append(
                    "  connected to the core; card numbers starting \(ranges.isEmpty ? "(none known)" : ranges.joined(separator: ", ")) are looked up"
                )
            } else {
                lines.append("  NOT CONNECTED to the core: \(gateway.coreError ?? "not yet")")
            }
        } else {
            lines.append("  DOES NOT ANSWER: start it with `loyalgate gateway` (or systemctl start loyalgate-gateway)")
        }

        lines.append("\nTyping (filter mode): \(uinput)")

        lines.append("\nCore (\(core.socket)):")
        if let merchants = core.merchants {
            lines.append(
                "  answers; \(merchants.count) merchant(s): "
                    + merchants.map { "\($0.code) (cards \($0.cardPrefix ?? "?")...)" }.joined(separator: ", "))
        } else if let refusal = core.refusal {
            lines.append("  answers, but refuses this user: \(refusal)")
        } else {
            lines.append("  DOES NOT ANSWER: start it with `loyalgate core` (or systemctl start loyalgate-core)")
        }

        lines.append("\nCUPS print queues:")
        lines += cupsQueues.map { "  " + $0 }
        if let receiptPrinters {
            lines.append("\nReceipt printers:")
            lines += receiptPrinters.map { "  " + $0 }
        }

        if problems.isEmpty {
            lines.append("\nAll good.")
        } else {
            lines.append("\n\(problems.count) problem(s):")
            lines += problems.map { "  - \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}
