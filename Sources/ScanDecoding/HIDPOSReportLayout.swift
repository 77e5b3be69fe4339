/// Where the parts of a scan sit in a HID POS bar code scanner's input report, found from the
/// report descriptor (usage page 0x8C, HID Point of Sale Usage Tables 1.02).
///
/// Vendors place the length, AIM identifier, data and continuation flag at different offsets
/// (Honeywell: length at byte 1, AIM at 2-4, data at 5-60, flag at 63; Newland: data at 2-57, no
/// AIM bytes), so nothing here is hard-coded: every position comes from the descriptor's usages.
/// All byte and bit offsets count from the first byte of the report as read from hidraw.
public struct HIDPOSReportLayout: Sendable, Equatable {
    /// The scanned-data report's ID, or nil when the descriptor uses no report IDs.
    public let reportID: UInt8?
    /// Bytes per report as read from hidraw, the report ID byte included.
    public let reportLength: Int
    /// Bytes holding Decoded Data (0x8C:0xFE).
    public let decodedData: Range<Int>
    /// Byte offsets of Symbology Identifier 1, 2 and 3 (0x8C:0xFB-0xFD), those present, in
    /// usage order. Scanners put the AIM identifier (`]E0`) there.
    public let symbologyIdentifier: [Int]
    /// The Decoded Data Continued flag (0x8C:0xFF): set when the scan goes on in the next report.
    /// Nil when the device declares none, in which case every report is a whole scan.
    public let continuedFlag: HIDBitRange?
    /// The count of valid bytes in Decoded Data (Generic Desktop Byte Count, 0x01:0x3B), if any.
    /// Without it, trailing NUL padding is what marks the end of the data.
    public let dataLength: HIDBitRange?
    /// Other input reports the device declares (status, vendor reports). The decoder ignores
    /// them instead of calling them malformed.
    public let otherInputReportIDs: Set<UInt8>

    public init(descriptor: HIDReportDescriptor) throws(HIDPOSLayoutError) {
        guard let dataField = descriptor.inputFields.first(where: { !$0.elements(carrying: .decodedData).isEmpty })
        else { throw .noDecodedData }
        let id = dataField.reportID
        // Offsets in fields exclude the report ID byte; the layout counts it.
        let prefixBits = descriptor.usesReportIDs ? 8 : 0
        let fields = descriptor.inputFields(reportID: id)

        let elements = dataField.elements(carrying: .decodedData)
        guard dataField.bitSize == 8 else {
            throw .unsupportedDecodedData("elements of \(dataField.bitSize) bits, expected 8")
        }
        // Only the first contiguous run counts; data split over several runs is not a layout any
        // known scanner uses, and guessing an order for it would garble the text.
        var runLength = 1
        while runLength < elements.count, elements[runLength] == elements[0] + runLength {
            runLength += 1
        }
        let startBit = prefixBits + dataField.bitOffset(ofElement: elements[0])
        guard startBit % 8 == 0 else {
            throw .unsupportedDecodedData("data starts at bit \(startBit), not on a byte boundary")
        }

        self.reportID = descriptor.usesReportIDs ? id : nil
        self.reportLength = descriptor.wireLength(.input, reportID: id)
        self.decodedData = (startBit / 8)..<(startBit / 8 + runLength)
        self.symbologyIdentifier = [HIDUsage.symbologyIdentifier1, .symbologyIdentifier2, .symbologyIdentifier3]
            .compactMap { usage in
                // An identifier byte that is not a whole byte is ignored rather than rejected:
                // the data may still carry the AIM prefix itself.
                guard let bits = Self.firstElement(carrying: usage, in: fields, prefixBits: prefixBits),
                    bits.bitSize == 8, bits.bitOffset % 8 == 0
                else { return nil }
                return bits.bitOffset / 8
            }
        self.continuedFlag = Self.firstElement(carrying: .decodedDataContinued, in: fields, prefixBits: prefixBits)
            .flatMap { $0.bitSize > 0 ? $0 : nil }
        self.dataLength = Self.firstElement(carrying: .byteCount, in: fields, prefixBits: prefixBits)
            .flatMap { (1...32).contains($0.bitSize) ? $0 : nil }
        self.otherInputReportIDs = Set(descriptor.inputReportIDs).subtracting([id])
    }

    /// Convenience: parse the descriptor bytes and build the layout in one step.
    public init(descriptorBytes: [UInt8]) throws(HIDPOSLayoutError) {
        let descriptor: HIDReportDescriptor
        do {
            descriptor = try HIDReportDescriptor(bytes: descriptorBytes)
        } catch {
            throw .invalidDescriptor(error)
        }
        try self.init(descriptor: descriptor)
    }

    /// The first element with `usage` in the report, as bits of the raw report. When a variable
    /// field repeats the usage over several elements (Honeywell declares 8 one-bit "continued"
    /// elements), the first one is the one that counts; scanners set bit 0.
    static func firstElement(carrying usage: HIDUsage, in fields: [HIDReportField], prefixBits: Int) -> HIDBitRange? {
        for field in fields {
            if let index = field.elements(carrying: usage).first {
                return HIDBitRange(bitOffset: prefixBits + field.bitOffset(ofElement: index), bitSize: field.bitSize)
            }
        }
        return nil
    }
}
