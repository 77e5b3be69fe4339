import Foundation
import Gateway
import LoyalgateProtocol
import PropertyBased
import Testing

/// The replay window: what a reconnecting till gets back, and when it is told it missed some.
@Suite struct ReplayBufferTests {
    @Test func eventsAfterACursorComeBackInOrder() {
        var buffer = ReplayBuffer(capacity: 10, maximumAge: 600)
        let now = Date()
        for index in 1...5 {
            _ = buffer.append(.scanRejected(.init(device: .sample, reason: .malformed, message: "\(index)")), time: now)
        }
        let (events, complete) = buffer.events(after: 2, now: now)
        #expect(events.map(\.cursor) == [3, 4, 5])
        #expect(complete)
        #expect(buffer.events(after: 5, now: now).events.isEmpty)
    }

    @Test func aTillTooFarBehindIsToldItMissedEvents() {
        var buffer = ReplayBuffer(capacity: 3, maximumAge: 600)
        let now = Date()
        for _ in 1...10 { _ = buffer.append(.deviceAdded(.init(device: .sample)), time: now) }
        let (events, complete) = buffer.events(after: 2, now: now)
        #expect(events.map(\.cursor) == [8, 9, 10])
        #expect(!complete)
        #expect(buffer.events(after: 7, now: now).complete)
    }

    @Test func oldEventsAgeOut() {
        var buffer = ReplayBuffer(capacity: 100, maximumAge: 60)
        let start = Date()
        _ = buffer.append(.deviceAdded(.init(device: .sample)), time: start)
        _ = buffer.append(.deviceAdded(.init(device: .sample)), time: start.addingTimeInterval(50))
        let (events, complete) = buffer.events(after: 0, now: start.addingTimeInterval(100))
        #expect(events.map(\.cursor) == [2])
        #expect(!complete)
    }

    @Test func aLongRunKeepsMemoryBounded() {
        var buffer = ReplayBuffer(capacity: 5, maximumAge: 600)
        for _ in 0..<10_000 { _ = buffer.append(.deviceAdded(.init(device: .sample)), time: Date()) }
        #expect(buffer.events(after: 0, now: Date()).events.count == 5)
        #expect(buffer.lastCursor == 10_000)
    }
}

/// Random windows and random reconnect points: a till gets exactly the retained events after
/// its cursor, in order, and is told `complete` exactly when nothing after its cursor was lost.
@Suite struct ReplayBufferPropertyTests {
    @Test func aResumingTillGetsExactlyWhatIsLeftAfterItsCursor() async {
        await propertyCheck(input: Gen.int(in: 0...50), Gen.int(in: 0...200), Gen.int(in: 0...220)) {
            capacity, appended, since in
            var buffer = ReplayBuffer(capacity: capacity, maximumAge: 600)
            let now = Date()
            for _ in 0..<appended { _ = buffer.append(.deviceAdded(.init(device: .sample)), time: now) }
            let (events, complete) = buffer.events(after: Int64(since), now: now)
            let oldestKept = appended - min(capacity, appended) + 1
            let lowest = max(since + 1, oldestKept)
            let expected = lowest <= appended ? (lowest...appended).map(Int64.init) : []
            #expect(events.map(\.cursor) == expected)
            #expect(complete == (since + 1 >= oldestKept || since >= appended))
        }
    }
}

extension Device {
    /// A scanner for events whose device does not matter.
    static let sample = Device(
        id: "0c2e:0b81:1", vendorId: "0c2e", productId: "0b81", name: "Honeywell", mode: "keyboard",
        node: "/dev/input/event5", family: "honeywell", layout: "us", grabbed: true)
}
