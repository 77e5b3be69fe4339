/// A parsed USB HID report descriptor: where every Input, Output and Feature field sits in its
/// report.
///
/// Scanner vendors lay their HID POS reports out differently, so the daemon reads the descriptor
/// (sysfs `report_descriptor` or `HIDIOCGRDESC`) and locates fields from it instead of trusting
/// fixed byte offsets. Only short items are interpreted; long items are skipped (none are defined).
/// Delimiter sets are not treated specially: all their usages are kept.
public struct HIDReportDescriptor: Sendable, Equatable {
    /// The descriptor bytes as given.
    public let bytes: [UInt8]
    /// Every main data item, in descriptor order.
    public let fields: [HIDReportField]
    /// Whether the descriptor declares report IDs. If so, every report on the wire (and every
    /// hidraw `read()`) starts with the report ID byte.
    public let usesReportIDs: Bool
    private let reportBits: [HIDReportField.Kind: [UInt8: Int]]

    public init(bytes: [UInt8]) throws(HIDDescriptorError) {
        var parser = HIDDescriptorParser()
        try parser.parse(bytes)
        self.bytes = bytes
        self.fields = parser.fields
        self.usesReportIDs = parser.usesReportIDs
        var bits: [HIDReportField.Kind: [UInt8: Int]] = [:]
        for field in parser.fields where bits[field.kind]?[field.reportID] == nil {
            bits[field.kind, default: [:]][field.reportID] = parser.reportBitLength(
                field.kind, reportID: field.reportID)
        }
        self.reportBits = bits
    }

    /// Parses hex text such as the `report_descriptor` attribute of a umockdev file
    /// (`058C0902A101...`). Whitespace is ignored; case does not matter.
    public init(hex: String) throws(HIDDescriptorError) {
        var bytes: [UInt8] = []
        var high: UInt8?
        for character in hex.unicodeScalars where !character.properties.isWhitespace {
            guard character.isASCII, let nibble = UInt8(String(character), radix: 16) else { throw .invalidHex }
            if let first = high {
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        guard high == nil else { throw .invalidHex }
        try self.init(bytes: bytes)
    }

    /// Input fields only, in descriptor order.
    public var inputFields: [HIDReportField] { fields.filter { $0.kind == .input } }

    /// IDs of the input reports, in order of first appearance; `[0]` without report IDs.
    public var inputReportIDs: [UInt8] {
        var seen = Set<UInt8>()
        return inputFields.map(\.reportID).filter { seen.insert($0).inserted }
    }

    /// Input fields per report ID (0 when the descriptor has no report IDs).
    public var inputReports: [UInt8: [HIDReportField]] {
        Dictionary(grouping: inputFields, by: \.reportID)
    }

    /// The input fields of one report, in order.
    public func inputFields(reportID: UInt8) -> [HIDReportField] {
        inputFields.filter { $0.reportID == reportID }
    }

    /// Length in bytes of a report's data, without the report ID byte (bits rounded up).
    public func dataLength(_ kind: HIDReportField.Kind = .input, reportID: UInt8) -> Int {
        ((reportBits[kind]?[reportID] ?? 0) + 7) / 8
    }

    /// Length in bytes of a report as read from hidraw: the data plus the report ID byte when the
    /// descriptor uses report IDs.
    public func wireLength(_ kind: HIDReportField.Kind = .input, reportID: UInt8) -> Int {
        dataLength(kind, reportID: reportID) + (usesReportIDs ? 1 : 0)
    }
}
