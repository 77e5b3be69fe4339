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
    /// For a card scan, the merchant whose range the card is in: who may see its look-up
    /// (`GatewayAccess`). Never sent.
    public let merchant: String?

    public init(cursor: Int64, time: Date, event: GatewayEvent, merchant: String? = nil) {
        self.cursor = cursor
        self.time = time
        self.event = event
        self.merchant = merchant
    }

    /// The device (or printer) it is about, for per-till device filters.
    public var deviceID: String? { event.deviceID }

    /// The line a till acting for `binding` receives: the event's fields, as much of a card's
    /// look-up as the till may see, beside its own `seq` and the gateway's `cursor`.
    func line(seq: Int64, replayed: Bool, for binding: String?) -> Data {
        var shown = event
        if case .scan(let scan) = event { shown = .scan(scan.shown(to: binding, cardMerchant: merchant)) }
        return Frame.event(EventLine(seq: seq, cursor: cursor, replayed: replayed ? true : nil, event: shown))
    }
}
