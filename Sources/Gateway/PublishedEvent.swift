import Foundation
import LoyalgateProtocol

/// One event as the gateway produced it, numbered for the whole run, before a till's own `seq`
/// is put on it.
public struct PublishedEvent: Sendable, Equatable {
    /// Gateway-wide number, rising by one per event; a till that reconnects passes the last one
    /// it saw as `since` to get what it missed.
    public let cursor: Int64
    /// When it was produced (for the replay window's age limit).
    public let time: Date
    public let event: GatewayEvent

    public init(cursor: Int64, time: Date, event: GatewayEvent) {
        self.cursor = cursor
        self.time = time
        self.event = event
    }

    /// The device (or printer) it is about, for per-till device filters.
    public var deviceID: String? { event.deviceID }

    /// The line a till receives: the event's fields beside its own `seq` and the gateway's `cursor`.
    func line(seq: Int64, replayed: Bool) -> Data {
        Frame.event(EventLine(seq: seq, cursor: cursor, replayed: replayed ? true : nil, event: event))
    }
}
