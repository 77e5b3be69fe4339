import Testing

@testable import ScanDecoding

@Suite("HIDReportDescriptor")
struct HIDReportDescriptorTests {
    @Test func parsesTheUmockdevHoneywellDescriptor() throws {
        let descriptor = try HIDReportDescriptor(hex: Fixtures.honeywellDescriptorHex)
        #expect(descriptor.bytes.count == 71)
        #expect(descriptor.usesReportIDs)
        #expect(descriptor.inputReportIDs == [2])
        #expect(descriptor.dataLength(reportID: 2) == 63)
        #expect(descriptor.wireLength(reportID: 2) == 64)

        let fields = descriptor.inputFields(reportID: 2)
        #expect(fields.map(\.bitOffset) == [0, 8, 32, 480, 496])
        #expect(fields.map(\.bitSize) == [8, 8, 8, 8, 1])
        #expect(fields.map(\.count) == [1, 3, 56, 2, 8])
        #expect(fields.map(\.usagePage) == [0x01, 0x8C, 0x8C, 0xFF66, 0x8C])
        #expect(fields[0].usages == [.byteCount])
        #expect(fields[1].usages == [.symbologyIdentifier1, .symbologyIdentifier2, .symbologyIdentifier3])
        #expect(fields[2].usages == [.decodedData])
        #expect(fields[2].isBufferedBytes && fields[2].isVariable && !fields[2].isConstant)
        #expect(fields[3].usages == [HIDUsage(page: 0xFF66, id: 4), HIDUsage(page: 0xFF66, id: 0)])
        #expect(fields[4].usages == [.decodedDataContinued])
        #expect(fields[4].logicalMaximum == 1)
        #expect(fields[2].logicalMaximum == 255)
        #expect(fields.allSatisfy { $0.collectionUsages == [.barCodeScanner, .scannedDataReport] })
        // A variable field with fewer usages than elements repeats the last usage.
        #expect(fields[2].usage(ofElement: 55) == .decodedData)
        #expect(fields[2].usage(ofElement: 56) == nil)
        #expect(fields[4].elements(carrying: .decodedDataContinued) == Array(0..<8))
        #expect(descriptor.inputReports[2]?.count == 5)
    }

    @Test func reportOffsetsAreKeptPerReportIDAndKind() throws {
        let descriptor = try HIDReportDescriptor(bytes: Fixtures.reorderedDescriptor)
        #expect(descriptor.inputReportIDs == [1, 5])
        #expect(descriptor.inputFields(reportID: 1).map(\.bitOffset) == [0])
        #expect(descriptor.inputFields(reportID: 5).map(\.bitOffset) == [0, 1, 8, 264])
        #expect(descriptor.wireLength(reportID: 1) == 5)
        #expect(descriptor.wireLength(reportID: 5) == 37)
        let data = descriptor.inputFields(reportID: 5)[2]
        #expect(!data.isVariable)
        #expect(data.usage(ofElement: 0) == nil)  // array fields have no per-element usage
        #expect(data.elements(carrying: .decodedData).count == 32)
        #expect(descriptor.inputFields(reportID: 5)[1].isConstant)
    }

    @Test func pushPopExtendedUsagesAndUsageRanges() throws {
        let descriptor = try HIDReportDescriptor(bytes: Fixtures.unnumberedDescriptor)
        #expect(!descriptor.usesReportIDs)
        #expect(descriptor.inputReportIDs == [0])
        let fields = descriptor.inputFields(reportID: 0)
        #expect(fields.map(\.bitOffset) == [0, 16, 528, 544, 545])
        #expect(fields[0].usages == [.byteCount])
        #expect(fields[0].logicalMaximum == 65535)
        #expect(fields[1].usages == [.decodedData])
        #expect(fields[1].bitSize == 8)  // restored by Pop
        #expect(fields[2].usages == [.symbologyIdentifier1, .symbologyIdentifier2])
        #expect(descriptor.wireLength(reportID: 0) == 69)
    }

    @Test func usagePageAfterUsagesAppliesAtTheMainItem() throws {
        // Usage(0x30) then Usage Page(Generic Desktop) then Input: the page in effect at the main
        // item wins (HID 1.11, 6.2.2.8).
        let descriptor = try HIDReportDescriptor(bytes: [0x09, 0x30, 0x05, 0x01, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02])
        #expect(descriptor.inputFields.first?.usages == [HIDUsage(page: 0x01, id: 0x30)])
    }

    @Test func signedLogicalRangeAndOutputFeatureOffsets() throws {
        let descriptor = try HIDReportDescriptor(bytes: [
            0x15, 0x81, 0x25, 0x7F, 0x75, 0x08, 0x95, 0x02, 0x09, 0x01, 0x81, 0x06,  // input -127...127
            0x91, 0x02, 0xB1, 0x02, 0x91, 0x02,  // output, feature, output
        ])
        #expect(descriptor.inputFields.first?.logicalMinimum == -127)
        #expect(descriptor.inputFields.first?.logicalMaximum == 127)
        #expect(descriptor.inputFields.first?.isRelative == true)
        #expect(descriptor.fields.filter { $0.kind == .output }.map(\.bitOffset) == [0, 16])
        #expect(descriptor.fields.filter { $0.kind == .feature }.map(\.bitOffset) == [0])
        #expect(descriptor.dataLength(.output, reportID: 0) == 4)
    }

    @Test func longItemsAreSkipped() throws {
        let descriptor = try HIDReportDescriptor(bytes: [
            0xFE, 0x02, 0x10, 0xAA, 0xBB, 0x75, 0x08, 0x95, 0x01, 0x81, 0x02,
        ])
        #expect(descriptor.inputFields.count == 1)
    }

    @Test func hugeUsageRangesAreCapped() throws {
        let descriptor = try HIDReportDescriptor(bytes: [
            0x1B, 0x00, 0x00, 0x00, 0x00, 0x2B, 0xFF, 0xFF, 0xFF, 0xFF, 0x75, 0x08, 0x95, 0x01, 0x81, 0x00,
        ])
        #expect(descriptor.inputFields.first?.usages.count == 12288)
    }

    @Test(
        arguments: [
            ([0x05], HIDDescriptorError.truncatedItem(offset: 0)),
            ([0x75, 0x08, 0x27, 0x01], .truncatedItem(offset: 2)),
            ([0xFE, 0x05, 0x00, 0x01], .truncatedItem(offset: 0)),
            ([0xC0], .unbalancedEndCollection(offset: 0)),
            ([0xA1, 0x01], .unclosedCollection),
            ([0xB4], .popWithoutPush(offset: 0)),
            ([0x85, 0x00], .invalidReportID(offset: 0, value: 0)),
            ([0x86, 0x00, 0x01], .invalidReportID(offset: 0, value: 256)),
            ([0x76, 0x01, 0x01], .fieldTooLarge(offset: 0)),
            ([0x96, 0x01, 0x40], .fieldTooLarge(offset: 0)),
            ([0x75, 0xFF, 0x96, 0x00, 0x30, 0x81, 0x02], .reportTooLarge(offset: 5)),
        ] as [([UInt8], HIDDescriptorError)])
    func rejectsBrokenDescriptors(bytes: [UInt8], error: HIDDescriptorError) {
        #expect(throws: error) { try HIDReportDescriptor(bytes: bytes) }
    }

    @Test func rejectsBadHexAndDeepNesting() {
        #expect(throws: HIDDescriptorError.invalidHex) { try HIDReportDescriptor(hex: "058") }
        #expect(throws: HIDDescriptorError.invalidHex) { try HIDReportDescriptor(hex: "05zz") }
        #expect(throws: HIDDescriptorError.pushTooDeep(offset: 32)) {
            try HIDReportDescriptor(bytes: [UInt8](repeating: 0xA4, count: 33))
        }
        #expect(throws: HIDDescriptorError.collectionTooDeep(offset: 512)) {
            try HIDReportDescriptor(bytes: Array([[UInt8]](repeating: [0xA1, 0x00], count: 257).joined()))
        }
    }

    @Test func hexMayContainWhitespace() throws {
        let descriptor = try HIDReportDescriptor(hex: "75 08\n95 01 81 02")
        #expect(descriptor.bytes == [0x75, 0x08, 0x95, 0x01, 0x81, 0x02])
    }
}
