import Foundation
import LoyalgateProtocol

/// The bounded window of recent events that a reconnecting till can get back: at most
/// `capacity` events and none older than `maximumAge`. Pure, so the rules are unit-tested.
public struct ReplayBuffer: Sendable {
    public let capacity: Int
    public let maximumAge: TimeInterval
    private var events: [PublishedEvent] = []
    private var start = 0
    /// The cursor of the last event appended (0 before any).
    public private(set) var lastCursor: Int64 = 0

    public init(capacity: Int, maximumAge: TimeInterval) {
        self.capacity = max(0, capacity)
        self.maximumAge = maximumAge
    }

    /// Numbers and keeps a new event.
    public mutating func append(_ gatewayEvent: GatewayEvent, time: Date, merchant: String? = nil) -> PublishedEvent {
        lastCursor += 1
        let event = PublishedEvent(cursor: lastCursor, time: time, event: gatewayEvent, merchant: merchant)
        if capacity > 0 {
            events.append(event)
            if events.count - start > capacity { start += 1 }
            if start > 1024, start * 2 > events.count {
                events.removeFirst(start)
                start = 0
            }
        }
        return event
    }

    /// The retained events after `cursor` that are still young enough, oldest first, and whether
    /// that is everything after `cursor` (false when some fell out of the window).
    public func events(after cursor: Int64, now: Date) -> (events: [PublishedEvent], complete: Bool) {
        let live = events[start...].filter { $0.cursor > cursor && now.timeIntervalSince($0.time) <= maximumAge }
        let firstKept = live.first?.cursor ?? lastCursor + 1
        return (Array(live), firstKept <= cursor + 1 || cursor >= lastCursor)
    }
}
