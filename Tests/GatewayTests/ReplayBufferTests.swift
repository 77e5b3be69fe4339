import Foundation
import Gateway
import Testing

/// The replay window: what a reconnecting till gets back, and when it is told it missed some.
@Suite struct ReplayBufferTests {
    @Test func eventsAfterACursorComeBackInOrder() {
        var buffer = ReplayBuffer(capacity: 10, maximumAge: 600)
        let now = Date()
        for index in 1...5 { _ = buffer.append(name: "scan", deviceID: "d", fields: ["n": .int(Int64(index))], time: now) }
        let (events, complete) = buffer.events(after: 2, now: now)
        #expect(events.map(\.cursor) == [3, 4, 5])
        #expect(complete)
        #expect(buffer.events(after: 5, now: now).events.isEmpty)
    }

    @Test func aTillTooFarBehindIsToldItMissedEvents() {
        var buffer = ReplayBuffer(capacity: 3, maximumAge: 600)
        let now = Date()
        for _ in 1...10 { _ = buffer.append(name: "scan", deviceID: nil, fields: [:], time: now) }
        let (events, complete) = buffer.events(after: 2, now: now)
        #expect(events.map(\.cursor) == [8, 9, 10])
        #expect(!complete)
        #expect(buffer.events(after: 7, now: now).complete)
    }

    @Test func oldEventsAgeOut() {
        var buffer = ReplayBuffer(capacity: 100, maximumAge: 60)
        let start = Date()
        _ = buffer.append(name: "scan", deviceID: nil, fields: [:], time: start)
        _ = buffer.append(name: "scan", deviceID: nil, fields: [:], time: start.addingTimeInterval(50))
        let (events, complete) = buffer.events(after: 0, now: start.addingTimeInterval(100))
        #expect(events.map(\.cursor) == [2])
        #expect(!complete)
    }

    @Test func aLongRunKeepsMemoryBounded() {
        var buffer = ReplayBuffer(capacity: 5, maximumAge: 600)
        for _ in 0..<10_000 { _ = buffer.append(name: "scan", deviceID: nil, fields: [:], time: Date()) }
        #expect(buffer.events(after: 0, now: Date()).events.count == 5)
        #expect(buffer.lastCursor == 10_000)
    }
}
