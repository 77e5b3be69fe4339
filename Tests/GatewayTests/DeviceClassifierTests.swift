import Gateway
import ScannerDrivers
import Testing

/// Which nodes are scanners, from data only: the table, udev's properties, the configuration.
@Suite struct DeviceClassifierTests {
    let table = ScannerTable(
        text: """
            usb:v0C2Ep0B81*
             LOYALGATE_SCANNER=1
             LOYALGATE_SCANNER_MODE=keyboard
             LOYALGATE_SCANNER_FAMILY=honeywell

            usb:v0C2Ep0B8F*
             LOYALGATE_SCANNER=1
             LOYALGATE_SCANNER_MODE=hid-pos
             LOYALGATE_SCANNER_FAMILY=honeywell
            """)

    func keyboardNode(vendor: UInt16, product: UInt16, properties: [String: String] = [:]) -> DeviceFacts {
        DeviceFacts(
            kind: .input, devnode: "/dev/input/event7", syspath: "/sys/x/event7",
            properties: ["ID_INPUT_KEYBOARD": "1"].merging(properties) { _, new in new },
            vendorID: vendor, productID: product, serial: nil, usbPort: "1-4")
    }

    @Test func aListedScannerIsReadWithTheDefaultLayout() {
        let result = DeviceClassifier(table: table, configuration: .init()).classify(
            keyboardNode(vendor: 0x0C2E, product: 0x0B81))
        #expect(result.isScanner)
        #expect(result.mode == .keyboard)
        #expect(result.layout == "us")
        #expect(result.family == "honeywell")
    }

    @Test func anOrdinaryKeyboardIsNeverAScanner() {
        let result = DeviceClassifier(table: table, configuration: .init()).classify(
            keyboardNode(vendor: 0x046D, product: 0xC31C))
        #expect(!result.isScanner)
        #expect(result.reason.contains("ordinary keyboard"))
    }

    @Test func udevPropertiesWinOverTheGatewaysCopyOfTheTable() {
        let node = keyboardNode(vendor: 0x0C2E, product: 0x0B81, properties: ["LOYALGATE_SCANNER": "0"])
        #expect(!DeviceClassifier(table: table, configuration: .init()).classify(node).isScanner)
        let layout = keyboardNode(
            vendor: 0x0C2E, product: 0x0B81,
            properties: [
                "LOYALGATE_SCANNER": "1", "LOYALGATE_SCANNER_MODE": "keyboard", "LOYALGATE_SCANNER_LAYOUT": "no",
            ])
        #expect(DeviceClassifier(table: table, configuration: .init()).classify(layout).layout == "no")
    }

    @Test func theConfigurationWinsOverBoth() {
        let configuration = GatewayConfiguration(devices: [
            .init(match: "046d:c31c", scanner: true, mode: "keyboard", layout: "bg", suffix: "none"),
            .init(match: "0c2e:0b81@1-4", scanner: false),
        ])
        let classifier = DeviceClassifier(table: table, configuration: configuration)
        let unlisted = classifier.classify(keyboardNode(vendor: 0x046D, product: 0xC31C))
        #expect(unlisted.isScanner)
        #expect(unlisted.layout == "bg")
        #expect(unlisted.suffix == "none")
        #expect(!classifier.classify(keyboardNode(vendor: 0x0C2E, product: 0x0B81)).isScanner)
    }

    @Test func aScannerIsOnlyReadThroughTheNodeOfItsMode() {
        // The HID POS scanner's keyboard-looking input node is not read; its hidraw node needs a
        // descriptor with a HID POS scan report.
        let classifier = DeviceClassifier(table: table, configuration: .init())
        #expect(!classifier.classify(keyboardNode(vendor: 0x0C2E, product: 0x0B8F)).isScanner)
        var hidraw = DeviceFacts(kind: .hidraw, devnode: "/dev/hidraw0", vendorID: 0x0C2E, productID: 0x0B8F)
        #expect(!classifier.classify(hidraw).isScanner)
        hidraw.reportDescriptor = [0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0xC0]  // a keyboard collection
        #expect(!classifier.classify(hidraw).isScanner)
    }

    @Test func idsSurviveReplugging() {
        var node = keyboardNode(vendor: 0x0C2E, product: 0x0B81)
        #expect(node.id == "0c2e:0b81@1-4")
        node.serial = "17072B1234"
        #expect(node.id == "0c2e:0b81:17072B1234")
        node.devnode = "/dev/input/event12"  // a new node number after replugging
        #expect(node.id == "0c2e:0b81:17072B1234")
    }
}
