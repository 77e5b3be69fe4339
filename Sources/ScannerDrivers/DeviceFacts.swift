/// What udev tells about one device node, gathered once so that classification is a pure
/// function of it (and testable without devices).
public struct DeviceFacts: Sendable, Equatable {
    public enum NodeKind: String, Sendable {
        case input, hidraw, tty
    }

    public var kind: NodeKind
    public var devnode: String
    public var syspath: String
    /// The udev properties of the node (`ID_INPUT_KEYBOARD`, `LOYALGATE_SCANNER`, ...).
    public var properties: [String: String]
    public var vendorID: UInt16?
    public var productID: UInt16?
    /// The USB serial number string, when the device has one.
    public var serial: String?
    /// The USB port path (`1-2.3`: bus 1, port 2, hub port 3): stable for a given socket.
    public var usbPort: String?
    /// `bInterfaceClass/SubClass/Protocol` of the USB interface, e.g. `03/01/01`.
    public var interface: String?
    public var name: String
    /// For hidraw nodes: the HID report descriptor.
    public var reportDescriptor: [UInt8]?

    public init(
        kind: NodeKind, devnode: String, syspath: String = "", properties: [String: String] = [:],
        vendorID: UInt16? = nil, productID: UInt16? = nil, serial: String? = nil, usbPort: String? = nil,
        interface: String? = nil, name: String = "", reportDescriptor: [UInt8]? = nil
    ) {
        self.kind = kind
        self.devnode = devnode
        self.syspath = syspath
        self.properties = properties
        self.vendorID = vendorID
        self.productID = productID
        self.serial = serial
        self.usbPort = usbPort
        self.interface = interface
        self.name = name
        self.reportDescriptor = reportDescriptor
    }

    /// `0c2e:0b81`, as lsusb prints it.
    public var usbID: String? {
        guard let vendorID, let productID else { return nil }
        return Self.hex(vendorID) + ":" + Self.hex(productID)
    }

    /// The device's `id` in the protocol: vendor, product and serial, or the USB port where there
    /// is no serial, so it survives an unplug and replug (a scanner without a serial keeps its id
    /// as long as it goes back into the same socket). Not USB: the node's stable udev path.
    public var id: String {
        guard let usbID else { return "node:" + (properties["ID_PATH"] ?? devnode) }
        if let serial, !serial.isEmpty {
            return usbID + ":" + serial.filter { $0.isLetter || $0.isNumber || "-_.".contains($0) }
        }
        return usbID + "@" + (usbPort ?? "?")
    }

    public var isKeyboard: Bool { properties["ID_INPUT_KEYBOARD"] == "1" || properties["ID_INPUT_KEY"] == "1" }

    public static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
