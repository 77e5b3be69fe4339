import Testing

@testable import PrinterUSB

/// Status bytes as an Epson TM printer sends them for `DLE EOT 1`, `2`, `4`, `3`: bits 1 and 4
/// are always set (0x12), the rest per Epson's ESC/POS reference.
@Suite("DLE EOT: the printer's own status")
struct RealTimeStatusTests {
    @Test("The commands are DLE EOT 1 to 4")
    func commands() {
        #expect(
            RealTimeStatusRequest.allCases.map(\.command) == [
                [0x10, 0x04, 1], [0x10, 0x04, 2], [0x10, 0x04, 3], [0x10, 0x04, 4],
            ])
    }

    @Test("All well: 0x12 everywhere is online, closed, paper present, drawer shut")
    func allWell() throws {
        let status = try RealTimeStatus(printer: 0x12, offlineCause: 0x12, paperSensor: 0x12, errorCause: 0x12)
        #expect(status == RealTimeStatus())
        #expect(status.problems.isEmpty)
        #expect(status.canPrint)
    }

    @Test("Cover open: offline (DLE EOT 1 bit 3) because of the cover (DLE EOT 2 bit 2)")
    func coverOpen() throws {
        let status = try RealTimeStatus(printer: 0x1A, offlineCause: 0x16, paperSensor: 0x12)
        #expect(!status.online)
        #expect(status.coverOpen)
        #expect(status.problems == ["the printer's cover is open: close it"])
        #expect(!status.canPrint)
    }

    @Test("Paper out: paper sensor bits 5 and 6, printing stopped (DLE EOT 2 bit 5)")
    func paperOut() throws {
        let status = try RealTimeStatus(printer: 0x1A, offlineCause: 0x32, paperSensor: 0x72)
        #expect(status.paperOut)
        #expect(status.problems == ["the printer is out of paper: put in a new roll"])
    }

    @Test("Paper near end is a warning only: the receipt still prints")
    func nearEnd() throws {
        let status = try RealTimeStatus(printer: 0x12, offlineCause: 0x12, paperSensor: 0x1E)
        #expect(status.paperNearEnd)
        #expect(status.canPrint)
        #expect(status.problems == ["the paper roll is nearly used up: have a new roll ready"])
    }

    @Test("Drawer: DLE EOT 1 bit 2 (connector pin 3 high)")
    func drawer() throws {
        #expect(try RealTimeStatus(printer: 0x16, offlineCause: 0x12, paperSensor: 0x12).drawerOpen)
        #expect(try !RealTimeStatus(printer: 0x12, offlineCause: 0x12, paperSensor: 0x12).drawerOpen)
    }

    @Test("Errors: DLE EOT 2 bit 6, or an autocutter / unrecoverable / auto-recoverable error in DLE EOT 3")
    func errors() throws {
        #expect(try RealTimeStatus(printer: 0x1A, offlineCause: 0x52, paperSensor: 0x12).error)
        #expect(try RealTimeStatus(printer: 0x1A, offlineCause: 0x12, paperSensor: 0x12, errorCause: 0x1A).error)
        let offline = try RealTimeStatus(printer: 0x1A, offlineCause: 0x12, paperSensor: 0x12, errorCause: 0x12)
        #expect(offline.problems == ["the printer is offline: check that it is switched on"])
    }

    @Test(
        "A byte without the fixed bits is not a status answer, and is refused",
        arguments: [UInt8(0x00), 0xFF, 0x10, 0x02, 0x92])
    func notStatus(byte: UInt8) {
        #expect(throws: PrinterUSBError.notAStatusReply(request: 1, byte: byte)) {
            try RealTimeStatus(printer: byte, offlineCause: 0x12, paperSensor: 0x12)
        }
    }

    @Test("Device ids: VID:PID, VID:PID:SERIAL and the usbdevfs node")
    func deviceIDs() throws {
        #expect(try USBDeviceID("04b8:0e15") == .model(vendor: 0x04b8, product: 0x0e15, serial: nil))
        #expect(
            try USBDeviceID("04B8:0E15:X5ZQ012345") == .model(vendor: 0x04b8, product: 0x0e15, serial: "X5ZQ012345"))
        #expect(try USBDeviceID("/dev/bus/usb/001/005") == .node(bus: 1, address: 5))
        #expect(try USBDeviceID("/dev/bus/usb/001/005").description == "/dev/bus/usb/001/005")
        #expect(throws: PrinterUSBError.badDeviceID("epson")) { try USBDeviceID("epson") }
    }
}
