import Testing

@testable import ScanDecoding

@Suite("HIDPOSReportDecoder")
struct HIDPOSReportDecoderTests {
    static func honeywellDecoder(maximumLength: Int = 4096) throws -> HIDPOSReportDecoder {
        let layout = try HIDPOSReportLayout(descriptor: HIDReportDescriptor(hex: Fixtures.honeywellDescriptorHex))
        return HIDPOSReportDecoder(layout: layout, maximumLength: maximumLength)
    }

    static let qrData = "https://example.org/p?id=0123456789&lot=ABCDEFGHIJ&exp=20271231&x=1"

    @Test func decodesTheUmockdevReports() throws {
        var decoder = try Self.honeywellDecoder()
        let reports = Fixtures.honeywellReports
        #expect(reports.allSatisfy { $0.count == 64 })
        #expect(decoder.decode(reports[0]) == .scan(Scan(symbology: .ean13, data: "4006381333931")))
        #expect(decoder.decode(reports[1]) == nil)
        #expect(decoder.hasPartialScan)
        #expect(decoder.decode(reports[2]) == .scan(Scan(symbology: .qr, data: Self.qrData)))
        #expect(Self.qrData.utf8.count == 67)
        #expect(!decoder.hasPartialScan)
    }

    @Test func unplugMidScanDiscardsThePartialScan() throws {
        var decoder = try Self.honeywellDecoder()
        let reports = Fixtures.honeywellReports
        #expect(decoder.decode(reports[1]) == nil)
        decoder.reset()
        #expect(!decoder.hasPartialScan)
        // The tail alone is delivered as its own scan, never glued to the lost head.
        #expect(decoder.decode(reports[2]) == .scan(Scan(symbology: .qr, data: "0271231&x=1")))
        #expect(decoder.decode(reports[0]) == .scan(Scan(symbology: .ean13, data: "4006381333931")))
    }

    @Test func oversizedScanIsOneTooLongAndNothingElse() throws {
        var decoder = try Self.honeywellDecoder(maximumLength: 60)
        let reports = Fixtures.honeywellReports
        #expect(decoder.decode(reports[1]) == nil)  // 56 bytes: within the limit
        #expect(decoder.decode(reports[2]) == .tooLong(length: 67))
        #expect(decoder.decode(reports[0]) == .scan(Scan(symbology: .ean13, data: "4006381333931")))

        // Crossing the limit in the first report: later continued reports are skipped silently.
        var small = try Self.honeywellDecoder(maximumLength: 10)
        #expect(small.decode(reports[1]) == .tooLong(length: 56))
        #expect(small.hasPartialScan)
        #expect(small.decode(reports[1]) == nil)
        #expect(small.decode(reports[2]) == nil)
        #expect(small.decode(reports[0]) == .tooLong(length: 13))
    }

    @Test func malformedReportsAreReportedAndDropThePartialScan() throws {
        var decoder = try Self.honeywellDecoder()
        let reports = Fixtures.honeywellReports
        #expect(decoder.decode(reports[1]) == nil)
        #expect(decoder.decode(Array(reports[2].prefix(63))) == .malformed("report of 63 bytes, expected 64"))
        #expect(!decoder.hasPartialScan)
        #expect(decoder.decode(reports[0] + [0]) == .malformed("report of 65 bytes, expected 64"))
        var wrongID = reports[0]
        wrongID[0] = 3
        #expect(decoder.decode(wrongID) == .malformed("unknown report ID 3"))
        #expect(decoder.decode([UInt8]()) == .malformed("empty report"))
        var badCount = reports[0]
        badCount[1] = 57
        #expect(decoder.decode(badCount) == .malformed("byte count 57 exceeds the 56-byte data field"))
        // umockdev's stream-backed hidraw can hand over several reports in one read (gotcha 5).
        #expect(decoder.decode(reports[0] + reports[2]) == .malformed("report of 128 bytes, expected 64"))
    }

    @Test func reorderedLayoutDecodesAndIgnoresOtherReports() throws {
        var decoder = try HIDPOSReportDecoder(layout: HIDPOSReportLayout(descriptorBytes: Fixtures.reorderedDescriptor))
        let head = Fixtures.reorderedReport(data: String(repeating: "A", count: 32), aim: "]C0", continued: true)
        let tail = Fixtures.reorderedReport(data: "BC", aim: "]C0")
        #expect(decoder.decode(head) == nil)
        #expect(decoder.decode([1, 0xAA, 0xBB, 0xCC, 0xDD]) == nil)  // status report, declared
        #expect(
            decoder.decode(tail) == .scan(Scan(symbology: .code128, data: String(repeating: "A", count: 32) + "BC")))
        // No identifier bytes: the AIM prefix in the data (or the guess) decides.
        #expect(
            decoder.decode(Fixtures.reorderedReport(data: "]E496385074", aim: ""))
                == .scan(Scan(symbology: .ean8, data: "96385074")))
        #expect(
            decoder.decode(Fixtures.reorderedReport(data: "4006381333931", aim: ""))
                == .scan(Scan(symbology: .ean13, data: "4006381333931")))
        // Identifier bytes *and* the same prefix in the data: the copy is removed.
        #expect(
            decoder.decode(Fixtures.reorderedReport(data: "]E04006381333931"))
                == .scan(Scan(symbology: .ean13, data: "4006381333931")))
        // An empty report carries no scan.
        #expect(decoder.decode(Fixtures.reorderedReport(data: "", aim: "")) == nil)
    }

    @Test func unnumberedLayoutUsesByteCountAndKeepsNULsInside() throws {
        var decoder = try HIDPOSReportDecoder(
            layout: HIDPOSReportLayout(descriptorBytes: Fixtures.unnumberedDescriptor))
        // "E0" without the "]": the missing bracket is implied.
        let report = Fixtures.unnumberedReport(data: Array("40063813".utf8) + [0] + Array("33931".utf8), aim: "E0")
        #expect(decoder.decode(report) == .scan(Scan(symbology: .ean13, data: "40063813\u{0}33931")))
        // GS1-128 with its GS separator, identifier "C1".
        let gs1 = Array("0100012345600012".utf8) + [0x1D] + Array("10AB".utf8)
        #expect(
            decoder.decode(Fixtures.unnumberedReport(data: gs1, aim: "C1"))
                == .scan(Scan(symbology: .gs1128, data: "0100012345600012\u{1D}10AB")))
        // Not UTF-8: decoded as ISO-8859-1, byte for byte.
        #expect(
            decoder.decode(Fixtures.unnumberedReport(data: [0x41, 0xE9, 0x42]))
                == .scan(Scan(symbology: nil, data: "AéB")))
        // Valid UTF-8 stays UTF-8.
        #expect(
            decoder.decode(Fixtures.unnumberedReport(data: Array("Aé".utf8))) == .scan(Scan(symbology: nil, data: "Aé"))
        )
    }

    @Test func identifierWithoutDataIsMalformed() throws {
        var decoder = try HIDPOSReportDecoder(layout: HIDPOSReportLayout(descriptorBytes: Fixtures.reorderedDescriptor))
        #expect(
            decoder.decode(Fixtures.reorderedReport(data: "]E0", aim: "]E0"))
                == .malformed("symbology identifier ]E0 without data"))
        #expect(
            decoder.decode(Fixtures.reorderedReport(data: "]Q1", aim: ""))
                == .malformed("symbology identifier ]Q1 without data"))
    }
}
