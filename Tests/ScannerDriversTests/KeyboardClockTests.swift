import ScanDecoding
import ScannerDrivers
import Testing

/// Keyboard scans are assembled on the monotonic clock: an event's kernel stamp counts only when
/// it agrees with the time it was read, so stamps from a stepped wall clock (NTP at boot on a
/// till PC without an RTC battery), or from a driver that ignored `libevdev_set_clock_id`, can
/// neither split a scan, nor make it look typed by hand, nor hold a suffix-less scan back.
@Suite struct KeyboardClockTests {
    /// The monotonic reading of each read: a PC up for a few minutes.
    static let readAt: Duration = .seconds(300)
    /// Wall-clock-like stamps: 2026 and, after an NTP step, a year later.
    static let wallClock2026: Int64 = 1_790_000_000 * 1_000_000
    static let wallClock2027: Int64 = 1_821_000_000 * 1_000_000

    func decoder(suffix: ScanAssembler.Configuration.Suffix = .enter) throws -> KeyboardScanDecoder {
        try KeyboardScanDecoder(layout: "us", configuration: .init(suffix: suffix))
    }

    func outcomes(_ decoder: KeyboardScanDecoder, _ reads: [(bytes: [UInt8], at: Duration)]) -> [(
        ScanOutcome, Duration
    )] {
        var result: [(ScanOutcome, Duration)] = []
        for read in reads { decoder.feed(read.bytes, readAt: read.at) { result.append(($0, $1)) } }
        return result
    }

    @Test func stampsThatAgreeWithTheClockAreUsed() throws {
        let start = (Self.readAt - .milliseconds(100)).microsecondsValue
        let bytes = InputEventRecords.keys(
            InputEventRecords.cardKeys + [InputEventRecords.enter], start: start, gap: 3000)
        let result = outcomes(try decoder(), [(bytes, Self.readAt)])
        #expect(result.map(\.0) == [.scan(Scan(symbology: nil, data: "2990001000017"))])
        // The Enter press: the 14th key, 13 gaps of 3 ms after the first.
        #expect(result.first?.1 == .microseconds(start + 13 * 3000))
    }

    @Test func stampsFarInThePastAreReplacedByTheReadTime() throws {
        // A stamp from long ago (a boot-time clock, a stale driver): trusting it would put the
        // scan's time minutes back; the read time is used, and the scan is whole.
        let bytes = InputEventRecords.keys(
            InputEventRecords.cardKeys + [InputEventRecords.enter], start: 1_000_000, gap: 3000)
        let result = outcomes(try decoder(), [(bytes, Self.readAt)])
        #expect(result.map(\.0) == [.scan(Scan(symbology: nil, data: "2990001000017"))])
        #expect(result.first?.1 == Self.readAt)
    }

    @Test func stampsInTheFutureAreReplacedByTheReadTime() throws {
        let future = (Self.readAt + .seconds(3600)).microsecondsValue
        let bytes = InputEventRecords.keys(
            InputEventRecords.cardKeys + [InputEventRecords.enter], start: future, gap: 3000)
        let result = outcomes(try decoder(), [(bytes, Self.readAt)])
        #expect(result.map(\.0) == [.scan(Scan(symbology: nil, data: "2990001000017"))])
        #expect(result.first?.1 == Self.readAt)
    }

    @Test func aWallClockStepInTheMiddleOfAScanDoesNotSplitIt() throws {
        // Wall-clock stamps that jump a year between two reads 3 ms apart: on their own they
        // would make a year-long pause in the middle of the scan (a person typing, or two
        // bursts); on the monotonic clock it is one fast scan.
        let keys = InputEventRecords.cardKeys + [InputEventRecords.enter]
        let first = InputEventRecords.keys(Array(keys.prefix(6)), start: Self.wallClock2026, gap: 3000)
        let second = InputEventRecords.keys(Array(keys.dropFirst(6)), start: Self.wallClock2027, gap: 3000)
        let result = outcomes(try decoder(), [(first, Self.readAt), (second, Self.readAt + .milliseconds(3))])
        #expect(result.map(\.0) == [.scan(Scan(symbology: nil, data: "2990001000017"))])
    }

    @Test func aSuffixLessScanWithWallClockStampsIsNotHeldBack() throws {
        // No suffix: the scan ends after the idle gap. Measured from a wall-clock stamp (decades
        // after the monotonic reading) the deadline would never come; from the read time it
        // comes 50 ms later, as it should.
        let decoder = try decoder(suffix: .none)
        let bytes = InputEventRecords.keys(InputEventRecords.cardKeys, start: Self.wallClock2026, gap: 3000)
        #expect(outcomes(decoder, [(bytes, Self.readAt)]).isEmpty)
        #expect(decoder.flushDeadline == Self.readAt + .milliseconds(50))
        var flushed: [ScanOutcome] = []
        decoder.flush(now: Self.readAt + .milliseconds(50)) { outcome, _ in flushed.append(outcome) }
        #expect(flushed == [.scan(Scan(symbology: nil, data: "2990001000017"))])
    }

    @Test func aSuffixLessScanWithStampsFromThePastIsNotCutEarly() throws {
        // Stamps far in the past would make the burst look silent for ages: flushed at once,
        // before its last keys arrive. With the read time, the deadline is after the last read.
        let decoder = try decoder(suffix: .none)
        let keys = InputEventRecords.cardKeys
        let first = InputEventRecords.keys(Array(keys.prefix(7)), start: 2_000_000, gap: 3000)
        let second = InputEventRecords.keys(Array(keys.dropFirst(7)), start: 2_021_000, gap: 3000)
        #expect(outcomes(decoder, [(first, Self.readAt)]).isEmpty)
        #expect(decoder.flushDeadline == Self.readAt + .milliseconds(50))
        #expect(outcomes(decoder, [(second, Self.readAt + .milliseconds(20))]).isEmpty)
        var flushed: [ScanOutcome] = []
        decoder.flush(now: Self.readAt + .milliseconds(70)) { outcome, _ in flushed.append(outcome) }
        #expect(flushed == [.scan(Scan(symbology: nil, data: "2990001000017"))])
    }

    @Test func theTrustRule() {
        let now: Duration = .seconds(500)
        #expect(KeyboardScanDecoder.trusted(now - .milliseconds(5), readAt: now) == now - .milliseconds(5))
        #expect(KeyboardScanDecoder.trusted(now, readAt: now) == now)
        #expect(KeyboardScanDecoder.trusted(now + .microseconds(1), readAt: now) == now)
        #expect(KeyboardScanDecoder.trusted(now - .seconds(2), readAt: now) == now)
        #expect(KeyboardScanDecoder.trusted(.seconds(1_790_000_000), readAt: now) == now)
    }
}

extension Duration {
    var microsecondsValue: Int64 {
        components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000
    }
}
