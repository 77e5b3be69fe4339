/// A HID usage: a usage page and a usage ID on that page (HID 1.11, section 6.2.2.8).
public struct HIDUsage: Sendable, Hashable, CustomStringConvertible {
    public var page: UInt16
    public var id: UInt16

    public init(page: UInt16, id: UInt16) {
        self.page = page
        self.id = id
    }

    /// An "extended" 32-bit usage: page in the high 16 bits, ID in the low 16 bits.
    public init(extended value: UInt32) {
        self.init(page: UInt16(truncatingIfNeeded: value >> 16), id: UInt16(truncatingIfNeeded: value))
    }

    public var description: String {
        "0x" + Self.hex(page) + ":0x" + Self.hex(id)
    }

    static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 2 - digits.count)) + digits
    }

    // The usages a HID POS bar code scanner report is built from
    // (HID Point of Sale Usage Tables 1.02, page 0x8C; HID Usage Tables, Generic Desktop).

    /// Bar Code Scanner usage page.
    public static let barCodeScannerPage: UInt16 = 0x8C
    /// Application collection usage of a bar code scanner.
    public static let barCodeScanner = HIDUsage(page: 0x8C, id: 0x02)
    /// The collection holding a scanned-data input report.
    public static let scannedDataReport = HIDUsage(page: 0x8C, id: 0x12)
    public static let symbologyIdentifier1 = HIDUsage(page: 0x8C, id: 0xFB)
    public static let symbologyIdentifier2 = HIDUsage(page: 0x8C, id: 0xFC)
    public static let symbologyIdentifier3 = HIDUsage(page: 0x8C, id: 0xFD)
    /// The decoded barcode bytes.
    public static let decodedData = HIDUsage(page: 0x8C, id: 0xFE)
    /// Set when the scan goes on in the next report.
    public static let decodedDataContinued = HIDUsage(page: 0x8C, id: 0xFF)
    /// Generic Desktop "Byte Count": how many bytes of a buffered-bytes field are valid. The HID POS
    /// tables define no length usage of their own; Honeywell's descriptor uses this one.
    public static let byteCount = HIDUsage(page: 0x01, id: 0x3B)
}
