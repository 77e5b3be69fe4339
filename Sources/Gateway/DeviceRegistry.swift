import Foundation
import ScannerDrivers
import LoyalgateProtocol
import LoyaltyDomain

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
    public func devices() -> [JSONValue] {
        lock.withLock {
            var seenIDs = Set<String>()
            return nodes.values.filter(\.open).sorted { $0.facts.devnode < $1.facts.devnode }
                .filter { seenIDs.insert($0.facts.id).inserted }
                .map { Self.deviceObject($0) }
        }
    }

    /// Every node seen, scanner or not, with the reason (for doctor).
    public func status() -> [JSONValue] {
        lock.withLock {
            nodes.values.sorted { $0.facts.devnode < $1.facts.devnode }.map { node in
                var object = Self.deviceObject(node).objectValue
                object["scanner"] = .bool(node.classification.isScanner)
                object["reason"] = .string(node.classification.reason)
                object["open"] = .bool(node.open)
                object["grabbed"] = .bool(node.grabbed)
                object["error"] = node.error.map(JSONValue.string) ?? .null
                object["lastScan"] = node.lastScan.map(JSONValue.string) ?? .null
                object["lastScanAt"] = node.lastScanAt.map { .string(Timestamp.format($0)) } ?? .null
                return .object(object)
            }
        }
    }

    static func deviceObject(_ node: Node) -> JSONValue {
        let facts = node.facts
        return .object([
            "id": .string(facts.id),
            "vendorId": facts.vendorID.map { .string(DeviceFacts.hex($0)) } ?? .null,
            "productId": facts.productID.map { .string(DeviceFacts.hex($0)) } ?? .null,
            "name": .string(facts.name),
            "mode": node.classification.mode.map { .string($0.rawValue) } ?? .null,
            "node": .string(facts.devnode),
            "family": node.classification.family.map(JSONValue.string) ?? .null,
            "layout": node.classification.mode == .keyboard ? .string(node.classification.layout) : .null,
            "grabbed": .bool(node.grabbed),
        ])
    }

    func deviceObject(syspath: String) -> JSONValue? {
        lock.withLock { nodes[syspath].map(Self.deviceObject) }
    }
}

extension JSONValue {
    var objectValue: [String: JSONValue] {
        if case .object(let object) = self { return object }
        return [:]
    }
}
