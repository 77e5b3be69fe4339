/// A scanner as tills see it: the same object in `subscribe`, `devices.list`, `scan`,
/// `scan.rejected`, `device.added` and `device.removed` (docs/gateway.md, "Ops").
public struct Device: Sendable, Codable, Equatable, Hashable {
    /// Stable across replugs: `vid:pid:serial`, or `vid:pid@port` without a serial number.
    public var id: String
    public var vendorId: String?
    public var productId: String?
    public var name: String
    /// `keyboard`, `hid-pos` or `serial`; null for a node that is not read.
    public var mode: String?
    /// The device node, e.g. `/dev/input/event5`.
    public var node: String
    /// The scanner family from the scanner table (Honeywell, Zebra, ...).
    public var family: String?
    /// The keyboard layout a keyboard-mode scanner is decoded with.
    public var layout: String?
    /// Whether the gateway holds it exclusively (keyboard mode).
    public var grabbed: Bool
    /// Keyboard mode: `exclusive`, `shared` (its keys also reach the focused program) or
    /// `filter` (product scans are typed into the focused program, card scans are not).
    public var passThrough: String?

    public init(
        id: String, vendorId: String?, productId: String?, name: String, mode: String?, node: String, family: String?,
        layout: String?, grabbed: Bool, passThrough: String? = nil
    ) {
        self.id = id
        self.vendorId = vendorId
        self.productId = productId
        self.name = name
        self.mode = mode
        self.node = node
        self.family = family
        self.layout = layout
        self.grabbed = grabbed
        self.passThrough = passThrough
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encodeNullable(vendorId, forKey: .vendorId)
        try container.encodeNullable(productId, forKey: .productId)
        try container.encode(name, forKey: .name)
        try container.encodeNullable(mode, forKey: .mode)
        try container.encode(node, forKey: .node)
        try container.encodeNullable(family, forKey: .family)
        try container.encodeNullable(layout, forKey: .layout)
        try container.encode(grabbed, forKey: .grabbed)
        try container.encodeIfPresent(passThrough, forKey: .passThrough)
    }
}

/// Every input node the gateway has seen, scanner or not, with why: what `doctor` shows.
public struct NodeStatus: Sendable, Codable, Equatable {
    public var device: Device
    /// Whether the node was judged a scanner, and why (or why not).
    public var scanner: Bool
    public var reason: String
    public var open: Bool
    public var error: String?
    public var lastScan: String?
    public var lastScanAt: String?

    public init(
        device: Device, scanner: Bool, reason: String, open: Bool, error: String?, lastScan: String?,
        lastScanAt: String?
    ) {
        self.device = device
        self.scanner = scanner
        self.reason = reason
        self.open = open
        self.error = error
        self.lastScan = lastScan
        self.lastScanAt = lastScanAt
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(device, forKey: .device)
        try container.encode(scanner, forKey: .scanner)
        try container.encode(reason, forKey: .reason)
        try container.encode(open, forKey: .open)
        try container.encodeNullable(error, forKey: .error)
        try container.encodeNullable(lastScan, forKey: .lastScan)
        try container.encodeNullable(lastScanAt, forKey: .lastScanAt)
    }
}
