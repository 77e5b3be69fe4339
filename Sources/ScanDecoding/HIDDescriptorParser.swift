/// The item-by-item state machine behind `HIDReportDescriptor` (HID 1.11, section 6.2.2).
///
/// Global items persist until changed (and Push/Pop save and restore them); local items apply
/// to the next main item only. Usages without an explicit page get the Usage Page in effect at
/// the main item, as section 6.2.2.8 says, so a Usage Page placed after its usages still works.
struct HIDDescriptorParser {
    struct GlobalState {
        var usagePage: UInt16 = 0
        var logicalMinimum = 0
        var logicalMaximumSigned = 0
        var logicalMaximumUnsigned = 0
        var reportSize = 0
        var reportCount = 0
        var reportID: UInt8 = 0
    }

    /// A usage value as declared; `extended` means the item carried page and ID (4 data bytes).
    struct DeclaredUsage {
        var value: UInt32
        var extended: Bool

        func resolved(page: UInt16) -> UInt32 {
            extended ? value : UInt32(page) << 16 | (value & 0xFFFF)
        }
    }

    enum LocalUsage {
        case single(DeclaredUsage)
        case range(DeclaredUsage, DeclaredUsage)
    }

    // Limits follow the Linux kernel (drivers/hid/hid-core.c) where it has them; where it grows
    // a stack dynamically, a generous fixed bound keeps hostile input from using unbounded memory.
    static let maximumUsagesPerItem = 12288
    static let maximumReportSize = 256
    static let maximumReportCount = 12288
    static let maximumReportBits = 16384 * 8
    static let maximumPushDepth = 32
    static let maximumCollectionDepth = 256

    private(set) var fields: [HIDReportField] = []
    private(set) var usesReportIDs = false
    private var global = GlobalState()
    private var globalStack: [GlobalState] = []
    private var localUsages: [LocalUsage] = []
    private var pendingMinimum: DeclaredUsage?
    private var pendingMaximum: DeclaredUsage?
    private var collections: [HIDUsage] = []
    private var bitCounters: [HIDReportField.Kind: [UInt8: Int]] = [:]

    mutating func parse(_ bytes: [UInt8]) throws(HIDDescriptorError) {
        var offset = 0
        while offset < bytes.count {
            let prefix = bytes[offset]
            if prefix == 0xFE {
                // Long item: bDataSize, bLongItemTag, data. No long items are defined; skip them.
                guard offset + 2 < bytes.count else { throw .truncatedItem(offset: offset) }
                let end = offset + 3 + Int(bytes[offset + 1])
                guard end <= bytes.count else { throw .truncatedItem(offset: offset) }
                offset = end
                continue
            }
            let sizeCode = Int(prefix & 0x03)
            let size = sizeCode == 3 ? 4 : sizeCode
            guard offset + 1 + size <= bytes.count else { throw .truncatedItem(offset: offset) }
            var unsigned: UInt32 = 0
            for index in 0..<size {
                unsigned |= UInt32(bytes[offset + 1 + index]) << (8 * index)
            }
            let item = Item(offset: offset, tag: prefix >> 4, size: size, unsigned: unsigned)
            switch (prefix >> 2) & 0x03 {
            case 0: try main(item)
            case 1: try globalItem(item)
            case 2: local(item)
            default: break  // reserved item type: ignored, as the kernel does
            }
            offset += 1 + size
        }
        guard collections.isEmpty else { throw .unclosedCollection }
    }

    struct Item {
        var offset: Int
        var tag: UInt8
        var size: Int
        var unsigned: UInt32

        var signed: Int {
            switch size {
            case 1: Int(Int8(truncatingIfNeeded: unsigned))
            case 2: Int(Int16(truncatingIfNeeded: unsigned))
            case 4: Int(Int32(bitPattern: unsigned))
            default: 0
            }
        }
    }

    private mutating func main(_ item: Item) throws(HIDDescriptorError) {
        defer {
            localUsages = []
            pendingMinimum = nil
            pendingMaximum = nil
        }
        switch item.tag {
        case 0x8: try addField(.input, item)
        case 0x9: try addField(.output, item)
        case 0xB: try addField(.feature, item)
        case 0xA:
            guard collections.count < Self.maximumCollectionDepth else { throw .collectionTooDeep(offset: item.offset) }
            collections.append(resolvedUsages(limit: 1).first ?? HIDUsage(page: 0, id: 0))
        case 0xC:
            guard !collections.isEmpty else { throw .unbalancedEndCollection(offset: item.offset) }
            collections.removeLast()
        default: break  // unknown main tag: ignored, as the kernel does
        }
    }

    private mutating func addField(_ kind: HIDReportField.Kind, _ item: Item) throws(HIDDescriptorError) {
        let start = bitCounters[kind, default: [:]][global.reportID, default: 0]
        let end = start + global.reportSize * global.reportCount
        guard end <= Self.maximumReportBits else { throw .reportTooLarge(offset: item.offset) }
        bitCounters[kind, default: [:]][global.reportID] = end
        let maximum = global.logicalMinimum < 0 ? global.logicalMaximumSigned : global.logicalMaximumUnsigned
        fields.append(
            HIDReportField(
                kind: kind, reportID: global.reportID, bitOffset: start, bitSize: global.reportSize,
                count: global.reportCount, usagePage: global.usagePage,
                usages: resolvedUsages(limit: Self.maximumUsagesPerItem), flags: item.unsigned,
                logicalMinimum: global.logicalMinimum, logicalMaximum: maximum, collectionUsages: collections))
    }

    private mutating func globalItem(_ item: Item) throws(HIDDescriptorError) {
        switch item.tag {
        case 0x0: global.usagePage = UInt16(truncatingIfNeeded: item.unsigned)
        case 0x1: global.logicalMinimum = item.signed
        case 0x2:
            global.logicalMaximumSigned = item.signed
            global.logicalMaximumUnsigned = Int(item.unsigned)
        case 0x7:
            guard item.unsigned <= Self.maximumReportSize else { throw .fieldTooLarge(offset: item.offset) }
            global.reportSize = Int(item.unsigned)
        case 0x8:
            guard (1...255).contains(item.unsigned) else {
                throw .invalidReportID(offset: item.offset, value: item.unsigned)
            }
            global.reportID = UInt8(item.unsigned)
            usesReportIDs = true
        case 0x9:
            guard item.unsigned <= Self.maximumReportCount else { throw .fieldTooLarge(offset: item.offset) }
            global.reportCount = Int(item.unsigned)
        case 0xA:
            guard globalStack.count < Self.maximumPushDepth else { throw .pushTooDeep(offset: item.offset) }
            globalStack.append(global)
        case 0xB:
            guard let saved = globalStack.popLast() else { throw .popWithoutPush(offset: item.offset) }
            global = saved
        default: break  // physical range, unit, unit exponent: irrelevant to byte positions
        }
    }

    private mutating func local(_ item: Item) {
        let usage = DeclaredUsage(value: item.unsigned, extended: item.size == 4)
        switch item.tag {
        case 0x0: localUsages.append(.single(usage))
        case 0x1: pendingMinimum = usage
        case 0x2: pendingMaximum = usage
        default: return  // designators, strings, delimiters: not needed to locate data
        }
        if let minimum = pendingMinimum, let maximum = pendingMaximum {
            localUsages.append(.range(minimum, maximum))
            pendingMinimum = nil
            pendingMaximum = nil
        }
    }

    /// Usages of the pending local items, ranges expanded, at most `limit` of them (the kernel
    /// also ignores usages beyond its limit rather than failing).
    private func resolvedUsages(limit: Int) -> [HIDUsage] {
        var result: [HIDUsage] = []
        for declared in localUsages {
            guard result.count < limit else { break }
            switch declared {
            case .single(let usage):
                result.append(HIDUsage(extended: usage.resolved(page: global.usagePage)))
            case .range(let minimum, let maximum):
                let low = minimum.resolved(page: global.usagePage)
                let high = maximum.resolved(page: global.usagePage)
                guard low <= high else { continue }
                let take = min(UInt64(high - low) + 1, UInt64(limit - result.count))
                for step in 0..<UInt32(take) {
                    result.append(HIDUsage(extended: low + step))
                }
            }
        }
        return result
    }

    func reportBitLength(_ kind: HIDReportField.Kind, reportID: UInt8) -> Int {
        bitCounters[kind]?[reportID] ?? 0
    }
}
