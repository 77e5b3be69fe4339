import Foundation
import Testbed

/// An Epson TM-T20II (04b8:0e15) on USB bus 1, address 5, emulated with umockdev: a sysfs
/// description with its USB descriptors (a printer-class interface with bulk OUT 0x01 and bulk
/// IN 0x82), and a usbdevfs ioctl script that answers `DLE EOT 1, 2, 4, 3` with the given
/// status bytes. libusb talks to it through umockdev's preload library exactly as to the real
/// device: URBs submitted and reaped on /dev/bus/usb/001/005.
struct EmulatedUSBPrinter {
    /// Answers to DLE EOT 1 (printer), 2 (offline cause), 4 (paper sensor), 3 (error cause).
    var printer: UInt8 = 0x12
    var offlineCause: UInt8 = 0x12
    var paperSensor: UInt8 = 0x12
    var errorCause: UInt8 = 0x12

    static let node = "/dev/bus/usb/001/005"

    /// Device descriptor (USB 2.0, 64-byte EP0, 04b8:0e15, strings 1-3, one configuration) and
    /// configuration descriptor (one interface, class 7 printer / subclass 1 / protocol 2
    /// bidirectional, two bulk endpoints of 64 bytes).
    static let descriptors =
        "12010002000000" + "40B804150E0001010203" + "01"
        + "09022000010100C032" + "090400000207010200" + "07050102400000" + "07058202400000"

    var deviceDescription: String {
        """
        P: /devices/pci0000:00/0000:00:14.0/usb1/1-1
        N: bus/usb/001/005=\(Self.descriptors)
        E: BUSNUM=001
        E: DEVNAME=/dev/bus/usb/001/005
        E: DEVNUM=005
        E: DEVTYPE=usb_device
        E: DRIVER=usb
        E: ID_BUS=usb
        E: ID_MODEL_ID=0e15
        E: ID_VENDOR_ID=04b8
        E: MAJOR=189
        E: MINOR=4
        E: PRODUCT=4b8/e15/100
        E: SUBSYSTEM=usb
        E: TYPE=0/0/0
        A: bConfigurationValue=1
        A: bDeviceClass=00
        A: bMaxPacketSize0=64
        A: bNumConfigurations=1
        A: bNumInterfaces= 1
        A: busnum=1\\n
        A: devnum=5\\n
        A: idProduct=0e15
        A: idVendor=04b8
        A: manufacturer=EPSON
        A: product=TM-T20II
        A: speed=12
        H: descriptors=\(Self.descriptors)

        """
    }

    /// The usbdevfs script: each bulk OUT URB (type 3, endpoint 1, 3 bytes DLE EOT n) followed by
    /// the bulk IN URB (endpoint 0x82 = 130, a 64-byte buffer, 1 byte back) that answers it.
    var ioctlScript: String {
        func exchange(_ n: UInt8, _ answer: UInt8) -> String {
            "USBDEVFS_REAPURBNDELAY 0 3 1 0 0 3 3 0 1004" + String(format: "%02X", n) + "\n"
                + " USBDEVFS_REAPURBNDELAY 0 3 130 0 0 64 1 0 " + String(format: "%02X", answer) + "\n"
        }
        return "USBDEVFS_GET_CAPABILITIES 0 0F000000\n"
            + exchange(1, printer) + exchange(2, offlineCause) + exchange(4, paperSensor) + exchange(3, errorCause)
    }

    /// Runs `loyalgate` with `arguments` inside the emulation.
    func run(_ arguments: [String]) throws -> Loyalgate.Output {
        let folder = Loyalgate.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try deviceDescription.write(toFile: folder + "/printer.umockdev", atomically: true, encoding: .utf8)
        try ioctlScript.write(toFile: folder + "/printer.ioctl", atomically: true, encoding: .utf8)
        return try ChildProcess.run(
            "/usr/bin/umockdev-run",
            [
                "-d", folder + "/printer.umockdev", "-i", Self.node + "=" + folder + "/printer.ioctl", "--",
                Loyalgate.binary,
            ] + arguments)
    }
}
