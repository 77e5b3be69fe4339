import PropertyBased
import ScanDecoding
import ScannerDrivers
import Testing

/// Random key events and random bytes through the whole keyboard path (record reassembly,
/// libxkbcommon, assembler): never a crash, never a scan over the limit, never a scan from a
/// partial record.
@Suite struct KeyboardScanDecoderPropertyTests {
    static let layouts = ["us", "de", "fr", "be", "nl", "no", "bg"]

    /// Any key code (modifiers, locks and Enter included), press/release/repeat, a gap in ms.
    static let keyEvent = zip(Gen.int(in: 0...255), Gen.int(in: 0...2), Gen.int(in: 0...40))

    @Test func randomKeyEventsNeverCrashOrExceedTheLimit() async throws {
        await propertyCheck(input: Self.keyEvent.array(of: 0...400), Gen.int(in: 0...6), Gen.int(in: 1...60)) {
            keys, layoutIndex, limit in
            guard
                let decoder = try? KeyboardScanDecoder(
                    layout: Self.layouts[layoutIndex], configuration: .init(maximumLength: limit))
            else {
                Issue.record("layout \(Self.layouts[layoutIndex]) failed to load")
                return
            }
            var time: Int64 = 1_000_000
            var bytes: [UInt8] = []
            for (code, value, gap) in keys {
                time += Int64(gap) * 1000
                bytes += InputEventRecords.record(type: 1, code: UInt16(code), value: Int32(value), microseconds: time)
            }
            var scans: [Scan] = []
            decoder.feed(bytes, readAt: .microseconds(time)) { outcome, _ in
                if case .scan(let scan) = outcome { scans.append(scan) }
            }
            decoder.flush(now: .seconds(10_000)) { outcome, _ in
                if case .scan(let scan) = outcome { scans.append(scan) }
            }
            #expect(scans.allSatisfy { $0.data.utf8.count <= limit && !$0.data.isEmpty })
        }
    }

    @Test func randomBytesCutAnywhereNeverCrash() async throws {
        await propertyCheck(input: Gen.uint8().array(of: 0...600), Gen.int(in: 1...50)) { bytes, cut in
            // xkb-data is a declared dependency (scripts/install-deps): without it this fails.
            guard let decoder = try? KeyboardScanDecoder(layout: "us", configuration: .init(maximumLength: 32)) else {
                Issue.record("the us layout failed to load: is xkb-data installed?")
                return
            }
            var scans: [Scan] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + cut)
                decoder.feed(bytes[start..<end], readAt: .seconds(1_000)) { outcome, _ in
                    if case .scan(let scan) = outcome { scans.append(scan) }
                }
                start = end
            }
            #expect(scans.allSatisfy { $0.data.utf8.count <= 32 })
        }
    }

    @Test func aScanIsTheSameHoweverTheReadsAreCut() async throws {
        await propertyCheck(input: Gen.int(in: 1...100)) { cut in
            guard let decoder = try? KeyboardScanDecoder(layout: "us", configuration: .init()) else {
                Issue.record("the us layout failed to load: is xkb-data installed?")
                return
            }
            let digits: [UInt16] = [3, 10, 10, 11, 11, 11, 2, 11, 11, 11, 11, 2, 8]  // 2990001000017
            var bytes: [UInt8] = []
            var time: Int64 = 5_000_000
            for code in digits + [28] {
                time += 3000
                bytes += InputEventRecords.record(type: 1, code: code, value: 1, microseconds: time)
                bytes += InputEventRecords.record(type: 0, code: 0, value: 0, microseconds: time)
                bytes += InputEventRecords.record(type: 1, code: code, value: 0, microseconds: time + 500)
            }
            var scans: [String] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + cut)
                decoder.feed(bytes[start..<end], readAt: .microseconds(time + 1000)) { outcome, _ in
                    if case .scan(let scan) = outcome { scans.append(scan.data) }
                }
                start = end
            }
            #expect(scans == ["2990001000017"])
        }
    }
}
