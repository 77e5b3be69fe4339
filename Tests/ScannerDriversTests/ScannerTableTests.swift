import Foundation
import ScannerDrivers
import Testing

/// The shipped hwdb file, read by the gateway as udev reads it.
@Suite struct ScannerTableTests {
    static let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("udev/60-loyalgate-scanners.hwdb").path

    @Test func theShippedTableListsEachModeOfAKnownScanner() throws {
        let table = ScannerTable.load(paths: [Self.shipped])
        #expect(table.records.count > 40)
        #expect(table.properties(vendorID: 0x0C2E, productID: 0x0B81)["LOYALGATE_SCANNER_MODE"] == "keyboard")
        #expect(table.properties(vendorID: 0x0C2E, productID: 0x0B8F)["LOYALGATE_SCANNER_MODE"] == "hid-pos")
        #expect(table.properties(vendorID: 0x1EAB, productID: 0x1D06)["LOYALGATE_SCANNER_MODE"] == "serial")
        #expect(table.properties(vendorID: 0x04B4, productID: 0xBCA1)["LOYALGATE_SCANNER_FAMILY"] == "generic")
        // An ordinary keyboard is not in it.
        #expect(table.properties(vendorID: 0x046D, productID: 0xC31C).isEmpty)
    }

    @Test func everyRecordOfTheShippedFileIsWellFormed() throws {
        let table = ScannerTable.load(paths: [Self.shipped])
        for record in table.records {
            for pattern in record.patterns {
                #expect(
                    pattern.range(of: #"^usb:v[0-9A-F]{4}p[0-9A-F]{4}\*$"#, options: .regularExpression) != nil,
                    "\(pattern)")
            }
            #expect(
                ["keyboard", "hid-pos", "serial"].contains(record.properties["LOYALGATE_SCANNER_MODE"] ?? ""),
                "\(record.patterns)")
            #expect(record.properties["LOYALGATE_SCANNER"] == "1")
        }
    }

    @Test func aLaterSiteFileOverridesAndGlobsMatch() {
        var table = ScannerTable(text: "usb:v0C2Ep0B81*\n LOYALGATE_SCANNER=1\n LOYALGATE_SCANNER_MODE=keyboard\n")
        table.append(
            text:
                "# site\nusb:v0C2Ep0B81*\n LOYALGATE_SCANNER_LAYOUT=de\n\nusb:v1EABp??03*\n LOYALGATE_SCANNER=1\n LOYALGATE_SCANNER_MODE=keyboard\n",
            source: "site")
        #expect(
            table.properties(vendorID: 0x0C2E, productID: 0x0B81) == [
                "LOYALGATE_SCANNER": "1", "LOYALGATE_SCANNER_MODE": "keyboard", "LOYALGATE_SCANNER_LAYOUT": "de",
            ])
        #expect(table.properties(vendorID: 0x1EAB, productID: 0x1D03)["LOYALGATE_SCANNER"] == "1")
        #expect(table.properties(vendorID: 0x1EAB, productID: 0x1D06).isEmpty)
    }
}
