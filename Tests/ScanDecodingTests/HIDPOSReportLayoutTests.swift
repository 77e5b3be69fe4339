import Testing

@testable import ScanDecoding

@Suite("HIDPOSReportLayout")
struct HIDPOSReportLayoutTests {
    @Test func honeywellLayoutComesFromTheDescriptor() throws {
        let layout = try HIDPOSReportLayout(descriptor: HIDReportDescriptor(hex: Fixtures.honeywellDescriptorHex))
        #expect(layout.reportID == 2)
        #expect(layout.reportLength == 64)
        #expect(layout.decodedData == 5..<61)
        #expect(layout.symbologyIdentifier == [2, 3, 4])
        #expect(layout.continuedFlag == HIDBitRange(bitOffset: 63 * 8, bitSize: 1))
        #expect(layout.dataLength == HIDBitRange(bitOffset: 8, bitSize: 8))
        #expect(layout.otherInputReportIDs.isEmpty)
    }

    @Test func reorderedLayoutWithArrayDataAndAnotherReport() throws {
        let layout = try HIDPOSReportLayout(descriptorBytes: Fixtures.reorderedDescriptor)
        #expect(layout.reportID == 5)
        #expect(layout.reportLength == 37)
        #expect(layout.decodedData == 2..<34)
        #expect(layout.symbologyIdentifier == [34, 35, 36])
        #expect(layout.continuedFlag == HIDBitRange(bitOffset: 8, bitSize: 1))
        #expect(layout.dataLength == nil)
        #expect(layout.otherInputReportIDs == [1])
    }

    @Test func layoutWithoutReportIDs() throws {
        let layout = try HIDPOSReportLayout(descriptorBytes: Fixtures.unnumberedDescriptor)
        #expect(layout.reportID == nil)
        #expect(layout.reportLength == 69)
        #expect(layout.decodedData == 2..<66)
        #expect(layout.symbologyIdentifier == [66, 67])
        #expect(layout.continuedFlag == HIDBitRange(bitOffset: 544, bitSize: 1))
        #expect(layout.dataLength == HIDBitRange(bitOffset: 0, bitSize: 16))
    }

    @Test func keyboardDescriptorIsNotAScanner() throws {
        // A boot keyboard: modifiers, reserved byte, 6 key codes. No Decoded Data usage.
        let keyboard: [UInt8] = [
            0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07, 0x19, 0xE0, 0x29, 0xE7, 0x15, 0x00, 0x25, 0x01,
            0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0x95, 0x01, 0x75, 0x08, 0x81, 0x01, 0x95, 0x06, 0x75, 0x08,
            0x15, 0x00, 0x25, 0x65, 0x05, 0x07, 0x19, 0x00, 0x29, 0x65, 0x81, 0x00, 0xC0,
        ]
        #expect(throws: HIDPOSLayoutError.noDecodedData) { try HIDPOSReportLayout(descriptorBytes: keyboard) }
        #expect(throws: HIDPOSLayoutError.invalidDescriptor(.unclosedCollection)) {
            try HIDPOSReportLayout(descriptorBytes: [0xA1, 0x01])
        }
    }

    @Test func decodedDataMustBeWholeBytes() {
        // Decoded Data declared as 4-bit elements.
        let nibbles: [UInt8] = [0x05, 0x8C, 0x75, 0x04, 0x95, 0x10, 0x09, 0xFE, 0x81, 0x02]
        #expect(throws: HIDPOSLayoutError.unsupportedDecodedData("elements of 4 bits, expected 8")) {
            try HIDPOSReportLayout(descriptorBytes: nibbles)
        }
        // 8-bit data starting at bit 1.
        let shifted: [UInt8] = [
            0x05, 0x8C, 0x75, 0x01, 0x95, 0x01, 0x81, 0x03,
            0x75, 0x08, 0x95, 0x04, 0x09, 0xFE, 0x81, 0x02,
        ]
        #expect(throws: HIDPOSLayoutError.unsupportedDecodedData("data starts at bit 1, not on a byte boundary")) {
            try HIDPOSReportLayout(descriptorBytes: shifted)
        }
    }

    @Test func bitRangeReadsLittleEndianAndNeverPastTheEnd() {
        let report: [UInt8] = [0b1010_0000, 0x34, 0x12]
        #expect(HIDBitRange(bitOffset: 5, bitSize: 1).value(in: report) == 1)
        #expect(HIDBitRange(bitOffset: 6, bitSize: 1).value(in: report) == 0)
        #expect(HIDBitRange(bitOffset: 8, bitSize: 16).value(in: report) == 0x1234)
        #expect(HIDBitRange(bitOffset: 16, bitSize: 32).value(in: report) == 0x12)
        #expect(HIDBitRange(bitOffset: 100, bitSize: 8).value(in: report) == 0)
        #expect(HIDBitRange(bitOffset: 8, bitSize: 8).value(in: report[1...]) == 0x12)
    }
}
