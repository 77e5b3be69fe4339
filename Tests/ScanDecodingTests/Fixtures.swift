import ScanDecoding

/// Fixtures copied from the umockdev experiments (research/umockdev-examples) so the tests stay
/// self-contained, plus descriptors built by hand with other layouts.
enum Fixtures {
    /// `report_descriptor` of hidpos.umockdev (Honeywell 1400g in HID POS mode, 71 bytes).
    static let honeywellDescriptorHex =
        "058C0902A1010912A1028502150026FF00750895010501093B81029503058C09FB09FC09FD8102953809FE82"
        + "02010666FF9502090409008102058C25017501950809FF8102C0C0"

    /// The three input reports of hidpos.script, in umockdev's caret notation: an EAN-13, then a
    /// 67-byte QR code split over two reports by the continuation bit.
    static let honeywellReportLines = [
        #"^B^M]E04006381333931^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@d^@^@"#,
        #"^B8]Q1https://example.org/p?id=0123456789&lot=ABCDEFGHIJ&exp=2s^@^A"#,
        #"^B^K]Q10271231&x=1^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@^@s^@^@"#,
    ]

    static var honeywellReports: [[UInt8]] { honeywellReportLines.map(umockdevBytes) }

    /// acm.script: a CDC-ACM scanner with AIM prefix and CR LF suffix, two reads.
    static let acmReadLines = [#"]E04006381333931^M^J"#, #"]C0ABC-123^M^J"#]

    /// Hand-built: report ID 5, continuation flag first (1 bit + 7 padding), 32 data bytes declared
    /// as an *array* field, the three Symbology Identifier bytes last, no Byte Count. A vendor
    /// status report (ID 1) comes first so the scan report is not the only input report.
    static let reorderedDescriptor: [UInt8] = [
        0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01,  // Bar Code Scanner application
        0x85, 0x01, 0x06, 0x00, 0xFF, 0x09, 0x01,  // report 1: vendor page 0xFF00
        0x15, 0x00, 0x26, 0xFF, 0x00, 0x75, 0x08, 0x95, 0x04, 0x81, 0x02,
        0x05, 0x8C, 0x09, 0x12, 0xA1, 0x02,  // Scanned Data Report collection
        0x85, 0x05, 0x25, 0x01, 0x75, 0x01, 0x95, 0x01, 0x09, 0xFF, 0x81, 0x02,  // continued
        0x95, 0x07, 0x81, 0x03,  // 7 bits constant padding
        0x26, 0xFF, 0x00, 0x75, 0x08, 0x95, 0x20, 0x09, 0xFE, 0x81, 0x00,  // data, array
        0x95, 0x03, 0x09, 0xFB, 0x09, 0xFC, 0x09, 0xFD, 0x81, 0x02,  // SI 1-3
        0xC0, 0xC0,
    ]

    /// Hand-built: no report IDs, a 16-bit Byte Count declared inside Push/Pop, data named by an
    /// extended (4-byte) usage, SI 1-2 by Usage Minimum/Maximum, continuation flag last.
    static let unnumberedDescriptor: [UInt8] = [
        0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01,
        0x15, 0x00, 0x26, 0xFF, 0x00, 0x75, 0x08,
        0xA4,  // Push
        0x05, 0x01, 0x75, 0x10, 0x95, 0x01, 0x27, 0xFF, 0xFF, 0x00, 0x00,
        0x09, 0x3B, 0x81, 0x02,  // Byte Count, 16 bits
        0xB4,  // Pop: page 0x8C, 8-bit size again
        0x95, 0x40, 0x0B, 0xFE, 0x00, 0x8C, 0x00, 0x82, 0x02, 0x01,  // 64 data bytes
        0x95, 0x02, 0x19, 0xFB, 0x29, 0xFC, 0x81, 0x02,  // SI 1-2
        0x75, 0x01, 0x95, 0x01, 0x25, 0x01, 0x09, 0xFF, 0x81, 0x02, 0x95, 0x07, 0x81, 0x03,
        0xC0,
    ]

    /// Decodes umockdev script data: `^X` is the byte X-64, and `` ^` `` is a literal caret.
    static func umockdevBytes(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var caret = false
        for byte in text.utf8 {
            if caret {
                bytes.append(byte == UInt8(ascii: "`") ? UInt8(ascii: "^") : byte - 64)
                caret = false
            } else if byte == UInt8(ascii: "^") {
                caret = true
            } else {
                bytes.append(byte)
            }
        }
        return bytes
    }

    /// Builds a report for `reorderedDescriptor` (ID 5, 37 bytes).
    static func reorderedReport(data: String, aim: String = "]E0", continued: Bool = false) -> [UInt8] {
        var report = [UInt8](repeating: 0, count: 37)
        report[0] = 5
        report[1] = continued ? 1 : 0
        for (index, byte) in data.utf8.prefix(32).enumerated() { report[2 + index] = byte }
        for (index, byte) in aim.utf8.prefix(3).enumerated() { report[34 + index] = byte }
        return report
    }

    /// Builds a report for `unnumberedDescriptor` (no ID, 69 bytes).
    static func unnumberedReport(data: [UInt8], aim: String = "", continued: Bool = false) -> [UInt8] {
        var report = [UInt8](repeating: 0, count: 69)
        report[0] = UInt8(data.count & 0xFF)
        report[1] = UInt8(data.count >> 8)
        for (index, byte) in data.prefix(64).enumerated() { report[2 + index] = byte }
        for (index, byte) in aim.utf8.prefix(2).enumerated() { report[66 + index] = byte }
        report[68] = continued ? 1 : 0
        return report
    }
}
