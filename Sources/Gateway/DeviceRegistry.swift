import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import ScannerDrivers

/// What the gateway knows about every node it has seen, for `devices.list`, `gateway.status`
/// and doctor. Written by the device thread, read by till connections.
public final class DeviceRegistry: @unchecked Sendable {
    struct Node {
        var facts: DeviceFacts
        var classification: DeviceClassifier.Classification
        var open = false
        var grabbed = false
        var error: String?
        var lastScan: String?
        var lastScanAt: Date?
    }

    private let lock = NSLock()
    private var nodes: [String: Node] = [:]

    func seen(_ facts: DeviceFacts, _ classification: DeviceClassifier.Classification) {
        lock.withLock {
            var node = nodes[facts.syspath] ?? Node(facts: facts, classification: classification)
            node.facts = facts
            node.classification = classification
            nodes[facts.syspath] = node
        }
    }

    func opened(_ syspath: String, grabbed: Bool) {
        lock.withLock {
            nodes[syspath]?.open = true
            nodes[syspath]?.grabbed = grabbed
            nodes[syspath]?.error = nil
        }
    }

    func failed(_ syspath: String, error: String) {
        lock.withLock {
            nodes[syspath]?.open = false
            nodes[syspath]?.grabbed = false
            nodes[syspath]?.error = error
        }
    }

    func removed(_ syspath: String) {
        lock.withLock { _ = nodes.removeValue(forKey: syspath) }
    }

    func scanned(deviceID: String, data: String) {
        lock.withLock {
            for key in nodes.keys where nodes[key]!.facts.id == deviceID && nodes[key]!.open {
                nodes[key]!.lastScan = data.count > 64 ? String(data.prefix(61)) + "..." : data
                nodes[key]!.lastScanAt = Date()
            }
        }
    }

    /// Whether another open node still serves this device id (a scanner with two nodes).
    func isOpen(deviceID: String, except syspath: String) -> Bool {
        lock.withLock { nodes.contains { $0.key != syspath && $0.value.open && $0.value.facts.id == deviceID } }
    }

    /// The scanners being read, as protocol device objects, one per device id.
    public func devices() -> [Device] {
        lock.withLock {
            var seenIDs = Set<String>()
            return nodes.values.filter(\.open).sorted { $0.facts.devnode < $1.facts.devnode }
                .filter { seenIDs.insert($0.facts.id).inserted }
                .map(Self.device)
        }
    }

    /// Every node seen, scanner or not, with the reason (for doctor).
    public func status() -> [NodeStatus] {
        lock.withLock {
            nodes.values.sorted { $0.facts.devnode < $1.facts.devnode }.map { node in
                NodeStatus(
                    device: Self.device(node), scanner: node.classification.isScanner,
                    reason: node.classification.reason,
                    open: node.open, error: node.error, lastScan: node.lastScan,
                    lastScanAt: node.lastScanAt.map(Timestamp.format))
            }
        }
    }

    static func device(_ node: Node) -> Device {
        device(node.facts, node.classification, grabbed: node.grabbed)
    }

    /// The device object: what the facts say, and what the classification adds (nothing yet for
    /// a node the registry has not seen).
    static func device(
        _ facts: DeviceFacts, _ classification: DeviceClassifier.Classification? = nil, grabbed: Bool = false
    ) -> Device {
        Device(
            id: facts.id, vendorId: facts.vendorID.map(DeviceFacts.hex),
            productId: facts.productID.map(DeviceFacts.hex),
            name: facts.name, mode: classification?.mode?.rawValue, node: facts.devnode, family: classification?.family,
            layout: classification?.mode == .keyboard ? classification?.layout : nil, grabbed: grabbed,
            passThrough: classification?.mode == .keyboard ? classification?.passThrough.rawValue : nil)
    }

    /// How a `filter`-mode device's scans are typed: nil for any other device.
    func typing(deviceID: String) -> (typeCards: Bool, suffix: String)? {
        lock.withLock {
            nodes.values.first { $0.facts.id == deviceID && $0.open && $0.classification.passThrough == .filter }
                .map { ($0.classification.typeCards, $0.classification.suffix) }
        }
    }

    /// The device object of a node, as tills see it in its events.
    func device(syspath: String) -> Device? {
        lock.withLock { nodes[syspath].map(Self.device) }
    }

    /// The device object of the node these facts describe, seen or not.
    func device(for facts: DeviceFacts) -> Device {
        device(syspath: facts.syspath) ?? Self.device(facts)
    }
}
