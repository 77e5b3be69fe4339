/// One Input, Output or Feature main item of a report descriptor, placed in its report.
public struct HIDReportField: Sendable, Equatable {
    public enum Kind: Sendable, Hashable {
        case input, output, feature
    }

    public let kind: Kind
    /// The report it belongs to; 0 when the descriptor declares no report IDs.
    public let reportID: UInt8
    /// Bit position of the first element, counted from the start of the report *data*, i.e.
    /// after the report ID byte when the descriptor uses report IDs.
    public let bitOffset: Int
    /// Report Size: bits per element.
    public let bitSize: Int
    /// Report Count: number of elements.
    public let count: Int
    /// The Usage Page in effect when the main item was parsed.
    public let usagePage: UInt16
    /// The usages in declaration order, Usage Minimum/Maximum ranges expanded. For a variable
    /// field these name the elements in order (the last one repeats, HID 1.11 section 6.2.2.8);
    /// for an array field they are the values an element can select.
    public let usages: [HIDUsage]
    /// The raw Input/Output/Feature flag bits (bit 0 Constant, 1 Variable, 2 Relative, ...,
    /// 8 Buffered Bytes).
    public let flags: UInt32
    public let logicalMinimum: Int
    public let logicalMaximum: Int
    /// Usages of the enclosing collections, outermost first (e.g. Bar Code Scanner, then
    /// Scanned Data Report), so a consumer can tell which application a field belongs to.
    public let collectionUsages: [HIDUsage]

    public init(
        kind: Kind, reportID: UInt8, bitOffset: Int, bitSize: Int, count: Int, usagePage: UInt16,
        usages: [HIDUsage], flags: UInt32, logicalMinimum: Int, logicalMaximum: Int,
        collectionUsages: [HIDUsage]
    ) {
        self.kind = kind
        self.reportID = reportID
        self.bitOffset = bitOffset
        self.bitSize = bitSize
        self.count = count
        self.usagePage = usagePage
        self.usages = usages
        self.flags = flags
        self.logicalMinimum = logicalMinimum
        self.logicalMaximum = logicalMaximum
        self.collectionUsages = collectionUsages
    }

    public var isConstant: Bool { flags & 0x001 != 0 }
    public var isVariable: Bool { flags & 0x002 != 0 }
    public var isRelative: Bool { flags & 0x004 != 0 }
    public var isBufferedBytes: Bool { flags & 0x100 != 0 }
    /// Total bits the field occupies.
    public var bitLength: Int { bitSize * count }

    /// The usage naming element `index` of a variable field; nil for array fields, fields
    /// without usages, and indexes outside the field.
    public func usage(ofElement index: Int) -> HIDUsage? {
        guard isVariable, index >= 0, index < count, let last = usages.last else { return nil }
        return index < usages.count ? usages[index] : last
    }

    /// Indexes of the elements that carry `usage`. A variable field maps elements to usages
    /// one by one; an array field whose usages include `usage` is taken as a whole, because HID POS
    /// scanners declare the decoded-data buffer both ways.
    public func elements(carrying usage: HIDUsage) -> [Int] {
        if isVariable {
            return (0..<count).filter { self.usage(ofElement: $0) == usage }
        }
        return usages.contains(usage) ? Array(0..<count) : []
    }

    /// Bit position of element `index` from the start of the report data.
    public func bitOffset(ofElement index: Int) -> Int {
        bitOffset + index * bitSize
    }
}
