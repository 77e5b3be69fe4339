import Foundation
import Testbed
import Testing

/// The printer's own status, read through libusb from an emulated USB printer (umockdev), as
/// `loyalgate receipt status` prints it.
@Suite("USB printer status through libusb (umockdev)")
struct USBPrinterStatusTests {
    func status(_ printer: EmulatedUSBPrinter, device: String = "04b8:0e15") throws -> [String: Any] {
        let result = try printer.run(["receipt", "status", "--usb", device, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return json(result.stdout)
    }

    @Test("All well: online, paper present, drawer closed, no problems")
    func allWell() throws {
        let report = try status(EmulatedUSBPrinter())
        #expect(report["online"] as? Bool == true)
        #expect(report["paperOut"] as? Bool == false)
        #expect(report["paperNearEnd"] as? Bool == false)
        #expect(report["drawerOpen"] as? Bool == false)
        #expect((report["problems"] as? [String])?.isEmpty == true)
    }

    @Test("Paper near end and drawer open, found by the usbdevfs node as well")
    func nearEndDrawerOpen() throws {
        let report = try status(EmulatedUSBPrinter(printer: 0x16, paperSensor: 0x1E), device: EmulatedUSBPrinter.node)
        #expect(report["online"] as? Bool == true)
        #expect(report["paperNearEnd"] as? Bool == true)
        #expect(report["drawerOpen"] as? Bool == true)
        #expect(report["problems"] as? [String] == ["the paper roll is nearly used up: have a new roll ready"])
    }

    @Test("Cover open and paper out reach the cashier as sentences")
    func coverAndPaper() throws {
        let cover = try status(EmulatedUSBPrinter(printer: 0x1A, offlineCause: 0x16))
        #expect(cover["online"] as? Bool == false)
        #expect(cover["problems"] as? [String] == ["the printer's cover is open: close it"])
        let paper = try status(EmulatedUSBPrinter(printer: 0x1A, offlineCause: 0x32, paperSensor: 0x72))
        #expect(paper["paperOut"] as? Bool == true)
        #expect(paper["problems"] as? [String] == ["the printer is out of paper: put in a new roll"])
    }

    @Test("A printer that is not connected is a clear error, not a status")
    func notConnected() throws {
        let result = try EmulatedUSBPrinter().run(["receipt", "status", "--usb", "0519:0001"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("No USB printer 0519:0001 is connected."))
    }
}
