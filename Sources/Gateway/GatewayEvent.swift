import Foundation
import LoyalgateProtocol

/// One event as the gateway produced it, before it is numbered for a particular till.
public struct GatewayEvent: Sendable, Equatable {
    /// Gateway-wide number, rising by one per event; a till that reconnects passes the last one
    /// it saw as `since` to get what it missed.
    public let cursor: Int64
    /// When it was produced (for the replay window's age limit).
    public let time: Date
    public let name: String
    /// The device it is about, for per-till device filters.
    public let deviceID: String?
    public let fields: [String: JSONValue]

    public init(cursor: Int64, time: Date, name: String, deviceID: String?, fields: [String: JSONValue]) {
        self.cursor = cursor
        self.time = time
        self.name = name
        self.deviceID = deviceID
        self.fields = fields
    }

    /// The line a till receives: the fields plus its own `seq` and the gateway's `cursor`.
    func line(seq: Int64, replayed: Bool) -> Data {
        var fields = fields
        fields["seq"] = .int(seq)
        fields["cursor"] = .int(cursor)
        if replayed { fields["replayed"] = .bool(true) }
        return Frame.event(name, JSONValue.object(fields))
    }
}
