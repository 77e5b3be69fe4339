/// Emulated devices: a sysfs description in umockdev's format (parents first, so the USB
/// parent is there when the node's `add` event goes out) and, for evdev nodes, the ioctl
/// answers libevdev asks for. Started from the fixtures in the project's research notes
/// (umockdev-examples), which were checked against libudev and libevdev on this platform.
public struct EmulatedScanner: Sendable {
    public var description: String
    public var ioctl: String?
    /// The node the device's data is read from.
    public var node: String
    /// The sysfs path of that node (what is removed on unplug).
    public var leafSyspath: String
    /// The sysfs path of the USB device (`.../usb1/1-2`), everything an unplug removes.
    public var usbSyspath: String {
        let parts = leafSyspath.split(separator: "/", omittingEmptySubsequences: false)
        guard let bus = parts.firstIndex(where: { $0.hasPrefix("usb") && $0.dropFirst(3).allSatisfy(\.isNumber) }), bus + 1 < parts.count else { return leafSyspath }
        return parts[...(bus + 1)].joined(separator: "/")
    }

    /// The device id the gateway gives it (vendor:product:serial or vendor:product@port).
    public var id: String

    /// A Honeywell Voyager 1400g (0c2e:0b81) in keyboard mode, serial number `serial`, on USB
    /// port 1-`port`. Listed in udev/60-loyalgate-scanners.hwdb. With `properties`, the node
    /// also carries udev properties (as the installed hwdb and rules would add them).
    public static func honeywellKeyboard(serial: String? = "12345", port: Int = 2, event: Int = 20, properties: [String: String] = [:]) -> EmulatedScanner {
        let usb = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-\(port)"
        let hid = "\(usb)/1-\(port):1.0/0003:0C2E:0B81.00\(10 + event)"
        let leaf = "\(hid)/input/input\(event)/event\(event)"
        let text = """
P: /devices/pci0000:00/0000:00:14.0/usb1/1-\(port)
N: bus/usb/001/0\(10 + port)
E: SUBSYSTEM=usb
E: DEVTYPE=usb_device
E: DEVNAME=/dev/bus/usb/001/0\(10 + port)
E: BUSNUM=001
E: DEVNUM=005
E: MAJOR=189
E: MINOR=4
E: PRODUCT=c2e/b81/110
E: ID_VENDOR_ID=0c2e
E: ID_MODEL_ID=0b81
E: ID_VENDOR_FROM_DATABASE=Metrologic Instruments
A: idVendor=0c2e
A: idProduct=0b81
A: manufacturer=Honeywell Imaging & Mobility
A: product=1400g
\(serial.map { "A: serial=\($0)\n" } ?? "")A: busnum=1
A: devnum=5
A: dev=189:4

P: /devices/pci0000:00/0000:00:14.0/usb1/1-\(port)/1-\(port):1.0
E: SUBSYSTEM=usb
E: DEVTYPE=usb_interface
E: DRIVER=usbhid
E: INTERFACE=3/1/1
A: bInterfaceClass=03
A: bInterfaceSubClass=01
A: bInterfaceProtocol=01
A: bInterfaceNumber=00

P: /devices/pci0000:00/0000:00:14.0/usb1/1-\(port)/1-\(port):1.0/0003:0C2E:0B81.00\(10 + event)
E: SUBSYSTEM=hid
E: DRIVER=hid-generic
E: HID_ID=0003:00000C2E:00000B81
E: HID_NAME=Honeywell Imaging & Mobility 1400g
E: MODALIAS=hid:b0003g0001v00000C2Ep00000B81

P: /devices/pci0000:00/0000:00:14.0/usb1/1-\(port)/1-\(port):1.0/0003:0C2E:0B81.00\(10 + event)/input/input\(event)
E: SUBSYSTEM=input
E: PRODUCT=3/c2e/b81/110
E: NAME="Honeywell Imaging & Mobility 1400g"
E: PHYS="usb-0000:00:14.0-2/input0"
E: EV=120013
E: KEY=1000000000007 ff9f207ac14057ff febeffdfffefffff fffffffffffffffe
E: ID_INPUT=1
E: ID_INPUT_KEY=1
E: ID_INPUT_KEYBOARD=1
A: name=Honeywell Imaging & Mobility 1400g
A: phys=usb-0000:00:14.0-2/input0

P: /devices/pci0000:00/0000:00:14.0/usb1/1-\(port)/1-\(port):1.0/0003:0C2E:0B81.00\(10 + event)/input/input\(event)/event\(event)
N: input/event\(event)
S: input/by-id/usb-Honeywell_Imaging___Mobility_1400g_\(serial ?? "")-event-kbd
E: DEVNAME=/dev/input/event\(event)
E: MAJOR=13
E: MINOR=\(64 + event)
E: SUBSYSTEM=input
E: ID_INPUT=1
E: ID_INPUT_KEY=1
E: ID_INPUT_KEYBOARD=1
E: ID_BUS=usb
E: ID_VENDOR_ID=0c2e
E: ID_MODEL_ID=0b81
E: ID_SERIAL=Honeywell_Imaging___Mobility_1400g_\(serial ?? "")
E: ID_USB_INTERFACES=:030101:
E: ID_PATH=pci-0000:00:14.0-usb-0:\(port):1.0
E: XKBLAYOUT=us
E: TAGS=:seat:
A: dev=13:\(64 + event)
L: device=../../input\(event)\(properties.sorted { $0.key < $1.key }.map { "\nE: \($0.key)=\($0.value)" }.joined())

"""
        return EmulatedScanner(description: text, ioctl: evdevIoctl(node: "/dev/input/event\(event)", name: "Honeywell Imaging & Mobility 1400g", vendor: 0x0C2E, product: 0x0B81),
                               node: "/dev/input/event\(event)", leafSyspath: leaf,
                               id: serial.map { "0c2e:0b81:\($0)" } ?? "0c2e:0b81@1-\(port)")
    }

    /// An ordinary USB keyboard (Logitech K120, 046d:c31c): not in the scanner table, so the
    /// gateway must leave it alone.
    public static func ordinaryKeyboard(event: Int = 3) -> EmulatedScanner {
        let leaf = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/0003:046D:C31C.0001/input/input\(event)/event\(event)"
        let text = """
P: /devices/pci0000:00/0000:00:14.0/usb1/1-1
N: bus/usb/001/002
E: SUBSYSTEM=usb
E: DEVTYPE=usb_device
E: PRODUCT=46d/c31c/6400
A: idVendor=046d
A: idProduct=c31c
A: manufacturer=Logitech
A: product=USB Keyboard
A: dev=189:1

P: /devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0
E: SUBSYSTEM=usb
E: DEVTYPE=usb_interface
E: DRIVER=usbhid
A: bInterfaceClass=03
A: bInterfaceSubClass=01
A: bInterfaceProtocol=01

P: /devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/0003:046D:C31C.0001
E: SUBSYSTEM=hid
E: DRIVER=hid-generic

P: /devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/0003:046D:C31C.0001/input/input\(event)
E: SUBSYSTEM=input
E: NAME="Logitech USB Keyboard"
E: ID_INPUT=1
E: ID_INPUT_KEY=1
E: ID_INPUT_KEYBOARD=1
A: name=Logitech USB Keyboard

P: \(leaf.dropFirst(4))
N: input/event\(event)
E: DEVNAME=/dev/input/event\(event)
E: MAJOR=13
E: MINOR=\(64 + event)
E: SUBSYSTEM=input
E: ID_INPUT=1
E: ID_INPUT_KEY=1
E: ID_INPUT_KEYBOARD=1
E: ID_BUS=usb
E: ID_VENDOR_ID=046d
E: ID_MODEL_ID=c31c
E: ID_PATH=pci-0000:00:14.0-usb-0:1:1.0
A: dev=13:\(64 + event)
L: device=../../input\(event)

"""
        return EmulatedScanner(description: text, ioctl: evdevIoctl(node: "/dev/input/event\(event)", name: "Logitech USB Keyboard", vendor: 0x046D, product: 0xC31C),
                               node: "/dev/input/event\(event)", leafSyspath: leaf, id: "046d:c31c@1-1")
    }

    /// A Honeywell 1400g in HID POS mode (0c2e:0b8f): 64-byte input report 2 with length,
    /// AIM identifier, 56 data bytes and a continuation flag, as its report descriptor says.
    public static func honeywellHIDPOS() -> EmulatedScanner {
        let text = """
P: /devices/pci0000:00/0000:00:14.0/usb1/1-3
N: bus/usb/001/006
E: SUBSYSTEM=usb
E: DEVTYPE=usb_device
E: DEVNAME=/dev/bus/usb/001/006
E: BUSNUM=001
E: DEVNUM=006
E: MAJOR=189
E: MINOR=5
E: PRODUCT=c2e/b8f/100
A: idVendor=0c2e
A: idProduct=0b8f
A: manufacturer=Honeywell Imaging & Mobility
A: serial=HP0001
A: product=1400g HID POS
A: dev=189:5

P: /devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0
E: SUBSYSTEM=usb
E: DEVTYPE=usb_interface
E: INTERFACE=3/0/0
A: bInterfaceClass=03
A: bInterfaceSubClass=00
A: bInterfaceProtocol=00

P: /devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0/0003:0C2E:0B8F.0006
E: SUBSYSTEM=hid
E: DRIVER=hid-generic
E: HID_ID=0003:00000C2E:00000B8F
E: HID_NAME=Honeywell Imaging & Mobility 1400g
E: MODALIAS=hid:b0003g0001v00000C2Ep00000B8F
H: report_descriptor=058C0902A1010912A1028502150026FF00750895010501093B81029503058C09FB09FC09FD8102953809FE8202010666FF9502090409008102058C25017501950809FF8102C0C0

P: /devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0/0003:0C2E:0B8F.0006/hidraw/hidraw0
N: hidraw0
E: SUBSYSTEM=hidraw
E: DEVNAME=/dev/hidraw0
E: MAJOR=240
E: MINOR=0
A: dev=240:0
L: device=../../../0003:0C2E:0B8F.0006

"""
        return EmulatedScanner(description: text, ioctl: nil, node: "/dev/hidraw0",
                               leafSyspath: "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0/0003:0C2E:0B8F.0006/hidraw/hidraw0",
                               id: "0c2e:0b8f:HP0001")
    }

    /// A Newland FM430 in USB CDC mode (1eab:1d06) on /dev/ttyACM0, no serial number.
    public static func newlandSerial() -> EmulatedScanner {
        let text = """
P: /devices/pci0000:00/0000:00:14.0/usb1/1-4
N: bus/usb/001/007
E: SUBSYSTEM=usb
E: DEVTYPE=usb_device
E: DEVNAME=/dev/bus/usb/001/007
E: MAJOR=189
E: MINOR=6
A: idVendor=1eab
A: idProduct=1d06
A: manufacturer=Newland
A: product=FM430 (USB CDC)
A: dev=189:6

P: /devices/pci0000:00/0000:00:14.0/usb1/1-4/1-4:1.0
E: SUBSYSTEM=usb
E: DEVTYPE=usb_interface
E: DRIVER=cdc_acm
E: INTERFACE=2/2/1
A: bInterfaceClass=02
A: bInterfaceSubClass=02
A: bInterfaceProtocol=01

P: /devices/pci0000:00/0000:00:14.0/usb1/1-4/1-4:1.0/tty/ttyACM0
N: ttyACM0
S: serial/by-id/usb-Newland_FM430-if00
E: SUBSYSTEM=tty
E: DEVNAME=/dev/ttyACM0
E: MAJOR=166
E: MINOR=0
E: ID_VENDOR_ID=1eab
E: ID_MODEL_ID=1d06
A: dev=166:0

"""
        return EmulatedScanner(description: text, ioctl: nil, node: "/dev/ttyACM0",
                               leafSyspath: "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-4/1-4:1.0/tty/ttyACM0",
                               id: "1eab:1d06@1-4")
    }

    /// The evdev ioctl answers libevdev needs to open a keyboard (from umockdev-examples'
    /// scanner-evdev.ioctl, with this device's name and ids).
    static func evdevIoctl(node: String, name: String, vendor: UInt16, product: UInt16) -> String {
        func le(_ value: UInt16) -> String { String(format: "%02X%02X", value & 0xFF, value >> 8) }
        let nameHex = Array(name.utf8).prefix(254).map { String(format: "%02X", $0) }.joined()
        let padded = nameHex + String(repeating: "00", count: 255 - min(254, name.utf8.count))
        return """
@DEV \(node)
EVIOCGVERSION 0 01000100
EVIOCGID 0 0300\(le(vendor))\(le(product))1001
EVIOCGNAME(0) \(name.utf8.count + 1) \(padded)
EVIOCGBIT(0) 8 1300120000000000
EVIOCGBIT(1) 96 FEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
EVIOCGBIT(2) 8 0000000000000000
EVIOCGBIT(3) 8 0000000000000000
EVIOCGBIT(4) 8 1000000000000000
EVIOCGBIT(5) 8 0000000000000000
EVIOCGBIT(17) 8 1F00000000000000
EVIOCGBIT(18) 8 0000000000000000
EVIOCGBIT(21) 16 00000000000000000000000000000000
EVIOCGPROP(0) 8 0000000000000000
EVIOCGKEY(0) 96 000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
EVIOCGLED(0) 8 0000000000000000
EVIOCGSW(0) 8 0000000000000000
EVIOCGREP 0 FA00000021000000

"""
    }
}
