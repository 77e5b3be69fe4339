import Testing

@testable import ScanDecoding

@Suite("SerialLineSplitter")
struct SerialLineSplitterTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func splitsTheUmockdevACMStream() {
        var splitter = SerialLineSplitter(suffix: .crlf)
        let reads = Fixtures.acmReadLines.map(Fixtures.umockdevBytes)
        #expect(reads[0].suffix(2) == [0x0D, 0x0A])
        #expect(splitter.feed(reads[0]) == [.scan(Scan(symbology: .ean13, data: "4006381333931"))])
        #expect(splitter.feed(reads[1]) == [.scan(Scan(symbology: .code128, data: "ABC-123"))])
        #expect(!splitter.hasPartialScan)
    }

    @Test func suffixSplitAcrossReads() {
        var splitter = SerialLineSplitter(suffix: .crlf)
        var outcomes: [ScanOutcome] = []
        for byte in Self.bytes("]E04006381333931\r\n]C0ABC-123\r\n") {
            outcomes += splitter.feed([byte])
        }
        #expect(
            outcomes == [
                .scan(Scan(symbology: .ean13, data: "4006381333931")),
                .scan(Scan(symbology: .code128, data: "ABC-123")),
            ])
        #expect(splitter.feed(Self.bytes("]E0400638133393")) == [])
        #expect(splitter.feed(Self.bytes("1\r")) == [])
        #expect(splitter.hasPartialScan)
        #expect(splitter.feed(Self.bytes("\n")) == [.scan(Scan(symbology: .ean13, data: "4006381333931"))])
    }

    @Test func crlfKeepsLoneCRAndLFInTheData() {
        var splitter = SerialLineSplitter(suffix: .crlf)
        #expect(
            splitter.feed(Self.bytes("line1\nline2\rx\r\r\n")) == [
                .scan(Scan(symbology: nil, data: "line1\nline2\rx\r"))
            ])
    }

    @Test func crToleratesCRLF() {
        var splitter = SerialLineSplitter(suffix: .cr)
        #expect(
            splitter.feed(Self.bytes("96385074\r\n4006381333931\r")) == [
                .scan(Scan(symbology: .ean8, data: "96385074")), .scan(Scan(symbology: .ean13, data: "4006381333931")),
            ])
        #expect(splitter.feed(Self.bytes("A\r")) == [.scan(Scan(symbology: nil, data: "A"))])
        #expect(splitter.feed(Self.bytes("\nB\r")) == [.scan(Scan(symbology: nil, data: "B"))])  // split CR|LF
    }

    @Test func lfToleratesCRLF() {
        var splitter = SerialLineSplitter(suffix: .lf, maximumLength: 3)
        // The CR of CR LF is not data, so it does not count against the limit either.
        #expect(splitter.feed(Self.bytes("ABC\r")) == [])
        #expect(
            splitter.feed(Self.bytes("\nDEF\n")) == [
                .scan(Scan(symbology: nil, data: "ABC")), .scan(Scan(symbology: nil, data: "DEF")),
            ])
        #expect(splitter.feed(Self.bytes("A\rB\n")) == [.scan(Scan(symbology: nil, data: "A\rB"))])
    }

    @Test func tabSuffixAndEmptyLines() {
        var splitter = SerialLineSplitter(suffix: .tab)
        #expect(splitter.feed(Self.bytes("\t\tABC\tDEF")) == [.scan(Scan(symbology: nil, data: "ABC"))])
        #expect(splitter.feed(Self.bytes("\t")) == [.scan(Scan(symbology: nil, data: "DEF"))])
    }

    @Test func oversizedLineIsOneTooLong() {
        var splitter = SerialLineSplitter(suffix: .crlf, maximumLength: 8)
        #expect(splitter.feed(Self.bytes("12345678")) == [])
        #expect(splitter.feed(Self.bytes("9")) == [.tooLong(length: 9)])
        #expect(splitter.feed([UInt8](repeating: 0x41, count: 10_000)) == [])
        #expect(splitter.feed(Self.bytes("\r\n96385074\r\n")) == [.scan(Scan(symbology: .ean8, data: "96385074"))])
        // Exactly at the limit is fine.
        #expect(splitter.feed(Self.bytes("12345678\r\n")) == [.scan(Scan(symbology: nil, data: "12345678"))])
    }

    @Test func resetDropsThePartialLine() {
        var splitter = SerialLineSplitter()
        #expect(splitter.feed(Self.bytes("]E04006")) == [])
        splitter.reset()
        #expect(!splitter.hasPartialScan)
        #expect(splitter.feed(Self.bytes("381333931\r\n")) == [.scan(Scan(symbology: nil, data: "381333931"))])
    }

    @Test func nonUTF8BytesAreLatin1AndControlBytesAreKept() {
        var splitter = SerialLineSplitter()
        #expect(
            splitter.feed([0x41, 0xC4, 0x1E, 0x04, 0x0D, 0x0A]) == [.scan(Scan(symbology: nil, data: "AÄ\u{1E}\u{04}"))]
        )
        #expect(splitter.feed(Self.bytes("]Q1\r\n")) == [.malformed("symbology identifier ]Q1 without data")])
    }
}
