import Foundation

/// A card or product scan, as a till receives it.
public struct ScanEvent: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// A number in a merchant's card range: `card` or `error` says what the core answered.
        case card
        /// Anything else (a product code): passed through for the till.
        case other
        /// A voucher code (`99...`, docs/protocol.md "Vouchers"): `voucher` or `error` says
        /// what the core answered.
        case voucher
    }

    public var device: Device
    /// The time of the scan's last key or report, RFC 3339 UTC.
    public var at: String
    /// `EAN-13`, `EAN-8`, `CODE-128`, `QR`, ... or null when the scanner did not say.
    public var symbology: String?
    public var data: String
    public var kind: Kind
    /// The `card.lookup` answer, or null.
    public var card: CardLookupAnswer?
    /// Why there is no `card` for a card scan (`core-unavailable`, `unknown-card`, ...), or null.
    public var error: ErrorBody?
    /// Gateway-wide number of the scan; the same on a resent scan.
    public var scanId: Int64
    /// True on the second event of a card scan looked up again after `core-unavailable`.
    public var resent: Bool?
    /// The `voucher.lookup` answer (its terms and `state`) for a voucher scan; absent otherwise.
    public var voucher: VoucherView?

    public init(
        device: Device, at: String, symbology: String?, data: String, kind: Kind, card: CardLookupAnswer?,
        error: ErrorBody?,
        scanId: Int64, resent: Bool?
    ) {
        self.device = device
        self.at = at
        self.symbology = symbology
        self.data = data
        self.kind = kind
        self.card = card
        self.error = error
        self.scanId = scanId
        self.resent = resent
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(device, forKey: .device)
        try container.encode(at, forKey: .at)
        try container.encodeNullable(symbology, forKey: .symbology)
        try container.encode(data, forKey: .data)
        try container.encode(kind, forKey: .kind)
        try container.encodeNullable(card, forKey: .card)
        try container.encodeNullable(error, forKey: .error)
        try container.encode(scanId, forKey: .scanId)
        try container.encodeIfPresent(resent, forKey: .resent)
        try container.encodeIfPresent(voucher, forKey: .voucher)
    }
}

/// `device.added`: a scanner was plugged in (or found at start) and is being read.
public struct DeviceAdded: Sendable, Codable, Equatable {
    public var device: Device
    public init(device: Device) {
        self.device = device
    }
}

/// `device.removed`: a scanner is no longer read.
public struct DeviceRemoved: Sendable, Codable, Equatable {
    public var device: Device
    /// `unplugged`, or the read error that closed it.
    public var reason: String
    public init(device: Device, reason: String) {
        self.device = device
        self.reason = reason
    }
}

/// `scan.rejected`: what a scanner sent could not be a scan.
public struct ScanRejected: Sendable, Codable, Equatable {
    public enum Reason: String, Sendable, Codable {
        case tooLong = "too-long"
        case malformed
    }

    public var device: Device
    public var reason: Reason
    public var message: String
    public init(device: Device, reason: Reason, message: String) {
        self.device = device
        self.reason = reason
        self.message = message
    }
}

/// Every event the gateway sends to tills (docs/gateway.md, "Events").
public enum GatewayEvent: Sendable, Equatable {
    case scan(ScanEvent)
    case deviceAdded(DeviceAdded)
    case deviceRemoved(DeviceRemoved)
    case scanRejected(ScanRejected)
    /// A receipt job moved on (queued, printing, completed, failed).
    case printJob(PrintJobUpdate)
    /// A USB receipt printer's status changed (paper near end, cover open, ...).
    case printerStatus(PrinterStatusUpdate)

    /// The `event` string of each case; docs/gateway.md lists exactly these.
    public static let names = [
        "scan", "device.added", "device.removed", "scan.rejected", "print.job", "printer.status",
    ]

    public var name: String {
        switch self {
        case .scan: "scan"
        case .deviceAdded: "device.added"
        case .deviceRemoved: "device.removed"
        case .scanRejected: "scan.rejected"
        case .printJob: "print.job"
        case .printerStatus: "printer.status"
        }
    }

    /// The device (or printer) the event is about, for per-till device filters.
    public var deviceID: String? {
        switch self {
        case .scan(let event): event.device.id
        case .deviceAdded(let event): event.device.id
        case .deviceRemoved(let event): event.device.id
        case .scanRejected(let event): event.device.id
        case .printJob(let event): event.printer
        case .printerStatus(let event): event.printer
        }
    }

    func encodeFields(to encoder: any Encoder) throws {
        switch self {
        case .scan(let event): try event.encode(to: encoder)
        case .deviceAdded(let event): try event.encode(to: encoder)
        case .deviceRemoved(let event): try event.encode(to: encoder)
        case .scanRejected(let event): try event.encode(to: encoder)
        case .printJob(let event): try event.encode(to: encoder)
        case .printerStatus(let event): try event.encode(to: encoder)
        }
    }

    static func decode(name: String, from decoder: any Decoder) throws -> GatewayEvent? {
        switch name {
        case "scan": .scan(try ScanEvent(from: decoder))
        case "device.added": .deviceAdded(try DeviceAdded(from: decoder))
        case "device.removed": .deviceRemoved(try DeviceRemoved(from: decoder))
        case "scan.rejected": .scanRejected(try ScanRejected(from: decoder))
        case "print.job": .printJob(try PrintJobUpdate(from: decoder))
        case "printer.status": .printerStatus(try PrinterStatusUpdate(from: decoder))
        default: nil
        }
    }
}
