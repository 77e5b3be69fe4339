import GS1
import PropertyBased
import Testing

@testable import ScanDecoding

/// Random input must never crash a decoder or yield a scan longer than its limit. Limits are small
/// so random input crosses them often. For HID and serial the limit counts bytes, and every byte
/// becomes at most one Unicode scalar, so scalars are what is checked.
@Suite("Property tests")
struct PropertyTests {
    static func scans(_ outcomes: [ScanOutcome]) -> [Scan] {
        outcomes.compactMap { if case .scan(let scan) = $0 { scan } else { nil } }
    }

    @Test func hidDecoderSurvivesRandomBytes() async throws {
        let layout = try HIDPOSReportLayout(descriptor: HIDReportDescriptor(hex: Fixtures.honeywellDescriptorHex))
        await propertyCheck(input: Gen.uint8().array(of: 0...200).array(of: 1...20)) { reads in
            var decoder = HIDPOSReportDecoder(layout: layout, maximumLength: 100)
            let outcomes = reads.compactMap { decoder.decode($0) }
            #expect(Self.scans(outcomes).allSatisfy { $0.data.unicodeScalars.count <= 100 })
        }
    }

    @Test func hidDecoderJoinsRandomWellFormedReportsWithinTheLimit() async throws {
        let layout = try HIDPOSReportLayout(descriptor: HIDReportDescriptor(hex: Fixtures.honeywellDescriptorHex))
        // Reports of the right ID and length with random content: random byte counts, identifier
        // bytes and continuation bits exercise joining, skipping and the limit.
        // The byte count is mostly within the 56-byte field so that most reports are accepted.
        let report = Gen.uint8().array(of: 63).map { body -> [UInt8] in
            var report = [UInt8(2)] + body
            report[1] %= 60
            return report
        }
        var scanCount = 0
        await propertyCheck(input: report.array(of: 1...30), Gen.int(in: 0...150)) { reports, limit in
            var decoder = HIDPOSReportDecoder(layout: layout, maximumLength: limit)
            var outcomes: [ScanOutcome] = []
            for report in reports {
                if let outcome = decoder.decode(report) { outcomes.append(outcome) }
            }
            #expect(Self.scans(outcomes).allSatisfy { $0.data.unicodeScalars.count <= limit && !$0.data.isEmpty })
            #expect(outcomes.count <= reports.count)
            scanCount += Self.scans(outcomes).count
        }
        #expect(scanCount > 0, "the generator should produce some complete scans")
    }

    @Test func descriptorParserSurvivesRandomBytes() async {
        await propertyCheck(input: Gen.uint8().array(of: 0...120)) { bytes in
            guard let descriptor = try? HIDReportDescriptor(bytes: bytes) else { return }
            #expect(descriptor.fields.allSatisfy { $0.bitOffset + $0.bitLength <= 16384 * 8 })
            if let layout = try? HIDPOSReportLayout(descriptor: descriptor) {
                #expect(layout.decodedData.upperBound <= layout.reportLength)
                #expect(layout.symbologyIdentifier.allSatisfy { $0 < layout.reportLength })
            }
        }
    }

    /// Random keystrokes: kind (mostly characters, some Enter/Tab), a character from all of
    /// Latin-1 (control characters included), and a gap: mostly scanner-fast, sometimes long.
    static let keystroke = zip(Gen.int(in: 0...9), Gen.latin1, Gen.int(in: 0...100).map { $0 < 80 ? $0 % 8 : $0 })

    @Test func assemblerSurvivesRandomKeystrokes() async {
        var scanCount = 0
        await propertyCheck(input: Self.keystroke.array(of: 0...300), Gen.int(in: 0...2), Gen.int(in: 1...40)) {
            keys, suffixIndex, limit in
            let suffix: [ScanAssembler.Configuration.Suffix] = [.enter, .tab, .none]
            var assembler = ScanAssembler(configuration: .init(suffix: suffix[suffixIndex], maximumLength: limit))
            var now = Duration.zero
            var outcomes: [ScanOutcome] = []
            for (kind, character, gap) in keys {
                now += .milliseconds(gap)
                let event: KeyboardEvent =
                    switch kind {
                    case 0: .enter(at: now)
                    case 1: .tab(at: now)
                    default: .character(character, at: now)
                    }
                outcomes += assembler.feed(event)
                if gap > 60 { outcomes += assembler.flush(now: now) }
            }
            outcomes += assembler.flush(now: now + .seconds(10))
            #expect(!assembler.hasPendingInput)
            for scan in Self.scans(outcomes) {
                #expect(scan.data.utf8.count <= limit)
                #expect(!scan.data.unicodeScalars.contains { ScanAssembler.isGarbage(Character($0)) })
            }
            scanCount += Self.scans(outcomes).count
        }
        #expect(scanCount > 0, "the generator should produce some complete scans")
    }

    @Test func assemblerDeliversFastBurstsVerbatim() async {
        await propertyCheck(input: Gen.letterOrNumber.string(of: 2...60), Gen.int(in: 0...20)) { text, gapMs in
            var assembler = ScanAssembler()
            let outcomes = assembler.feedAll(wedgeKeystrokes(text, gap: .milliseconds(gapMs)))
            let expected = AIMIdentifier.decode(text)
            #expect(outcomes == [.scan(Scan(symbology: expected.symbology, data: expected.data))])
        }
    }

    /// Bytes biased towards suffix bytes and AIM characters so lines actually end.
    static let serialByte = zip(Gen.int(in: 0...3), Gen.uint8()).map { choice, byte -> UInt8 in
        choice == 0 ? [0x0D, 0x0A, 0x09, 0x5D, 0x45, 0x30, 0x00, 0xFF][Int(byte % 8)] : byte
    }

    @Test func serialSplitterIsIndependentOfHowReadsAreCut() async {
        var scanCount = 0
        await propertyCheck(
            input: Self.serialByte.array(of: 0...400), Gen.int(in: 1...17), Gen.int(in: 0...3), Gen.int(in: 0...50)
        ) {
            bytes, chunkSize, suffixIndex, limit in
            let suffix: [SerialLineSplitter.Suffix] = [.cr, .lf, .crlf, .tab]
            var whole = SerialLineSplitter(suffix: suffix[suffixIndex], maximumLength: limit)
            var pieces = whole
            let expected = whole.feed(bytes)
            var chunked: [ScanOutcome] = []
            var start = 0
            while start < bytes.count {
                chunked += pieces.feed(bytes[start..<min(start + chunkSize, bytes.count)])
                start += chunkSize
            }
            #expect(chunked == expected)
            #expect(Self.scans(expected).allSatisfy { $0.data.unicodeScalars.count <= limit && !$0.data.isEmpty })
            scanCount += Self.scans(expected).count
        }
        #expect(scanCount > 0, "the generator should produce some complete scans")
    }

    @Test func checkDigitRoundTripAndSingleDigitErrors() async {
        await propertyCheck(input: Gen.number.string(of: 7...13), Gen.int(in: 0...12), Gen.int(in: 1...9)) {
            payload, position, delta in
            guard let code = GS1CheckDigit.appendingCheckDigit(to: payload) else {
                Issue.record("no check digit")
                return
            }
            #expect(GS1CheckDigit.isValid(code) == GS1CheckDigit.gtinLengths.contains(code.count))
            // Any single wrong digit is caught by mod 10 with weights 1 and 3.
            var digits = Array(code.utf8)
            let index = position % digits.count
            digits[index] = UInt8(ascii: "0") + (digits[index] - UInt8(ascii: "0") + UInt8(delta)) % 10
            let mutated = String(decoding: digits, as: UTF8.self)
            #expect(
                GS1CheckDigit.checkDigit(forPayload: mutated.dropLast())
                    != Int(digits[digits.count - 1] - UInt8(ascii: "0")))
            #expect(!GS1CheckDigit.isValid(mutated))
        }
    }
}
