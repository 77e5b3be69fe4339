import CUdev
import Foundation

/// libudev, for the two things the gateway needs from it: the devices present at start and the
/// hotplug events after. One instance per thread (libudev objects are not thread-safe).
public final class Udev {
    private let context: OpaquePointer

    public init() throws {
        guard let context = udev_new() else { throw DriverError("libudev could not be initialised.") }
        self.context = context
    }

    deinit { udev_unref(context) }

    /// The scanner-capable nodes present now: input event nodes, hidraw nodes and CDC-ACM ttys.
    public func enumerate() -> [DeviceFacts] {
        guard let enumerate = udev_enumerate_new(context) else { return [] }
        defer { udev_enumerate_unref(enumerate) }
        for subsystem in Self.subsystems { udev_enumerate_add_match_subsystem(enumerate, subsystem) }
        udev_enumerate_scan_devices(enumerate)
        var result: [DeviceFacts] = []
        var entry = udev_enumerate_get_list_entry(enumerate)
        while let current = entry {
            if let path = udev_list_entry_get_name(current), let device = udev_device_new_from_syspath(context, path) {
                if let facts = Self.facts(device) { result.append(facts) }
                udev_device_unref(device)
            }
            entry = udev_list_entry_get_next(current)
        }
        return result.sorted { $0.devnode < $1.devnode }
    }

    static let subsystems = ["input", "hidraw", "tty"]

    /// The facts of one node; nil for nodes a scanner never uses (input parents, mice' mouseN,
    /// ordinary ttys).
    static func facts(_ device: OpaquePointer) -> DeviceFacts? {
        guard let subsystem = string(udev_device_get_subsystem(device)),
            let devnode = string(udev_device_get_devnode(device))
        else { return nil }
        let kind: DeviceFacts.NodeKind
        switch subsystem {
        case "input" where devnode.contains("/event"): kind = .input
        case "hidraw": kind = .hidraw
        case "tty" where devnode.hasPrefix("/dev/ttyACM"): kind = .tty
        default: return nil
        }
        var facts = DeviceFacts(kind: kind, devnode: devnode, syspath: string(udev_device_get_syspath(device)) ?? "")
        var entry = udev_device_get_properties_list_entry(device)
        while let current = entry {
            if let name = string(udev_list_entry_get_name(current)) {
                facts.properties[name] = string(udev_list_entry_get_value(current)) ?? ""
            }
            entry = udev_list_entry_get_next(current)
        }
        if let usb = udev_device_get_parent_with_subsystem_devtype(device, "usb", "usb_device") {
            facts.vendorID = string(udev_device_get_sysattr_value(usb, "idVendor")).flatMap { UInt16($0, radix: 16) }
            facts.productID = string(udev_device_get_sysattr_value(usb, "idProduct")).flatMap { UInt16($0, radix: 16) }
            facts.serial = string(udev_device_get_sysattr_value(usb, "serial"))?.trimmingCharacters(in: .whitespaces)
            facts.usbPort = string(udev_device_get_sysname(usb))
            let product = [
                string(udev_device_get_sysattr_value(usb, "manufacturer")),
                string(udev_device_get_sysattr_value(usb, "product")),
            ]
            .compactMap { $0 }.joined(separator: " ")
            facts.name = product
        }
        if let interface = udev_device_get_parent_with_subsystem_devtype(device, "usb", "usb_interface") {
            let names: [String] = ["bInterfaceClass", "bInterfaceSubClass", "bInterfaceProtocol"]
            let parts = names.compactMap { name in string(udev_device_get_sysattr_value(interface, name)) }
            if parts.count == 3 { facts.interface = parts.joined(separator: "/") }
        }
        if kind == .input, let parent = udev_device_get_parent_with_subsystem_devtype(device, "input", nil),
            let name = string(udev_device_get_sysattr_value(parent, "name"))
        {
            facts.name = name
        }
        if facts.name.isEmpty { facts.name = facts.properties["ID_MODEL"] ?? (devnode as NSString).lastPathComponent }
        if kind == .hidraw, let hid = udev_device_get_parent_with_subsystem_devtype(device, "hid", nil),
            let hidPath = string(udev_device_get_syspath(hid))
        {
            facts.reportDescriptor = FileManager.default.contents(atPath: hidPath + "/report_descriptor").map {
                Array($0)
            }
        }
        return facts
    }

    static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// The hotplug monitor: udev's processed events (group "udev"), so the properties udev rules
    /// and hwdb add are in them.
    final class Monitor {
        private let monitor: OpaquePointer
        let fd: Int32

        init(_ udev: Udev) throws {
            guard let monitor = udev_monitor_new_from_netlink(udev.context, "udev") else {
                throw DriverError("The udev monitor could not be created.")
            }
            for subsystem in Udev.subsystems {
                udev_monitor_filter_add_match_subsystem_devtype(monitor, subsystem, nil)
            }
            guard udev_monitor_enable_receiving(monitor) >= 0 else {
                udev_monitor_unref(monitor)
                throw DriverError("The udev monitor could not be enabled.")
            }
            self.monitor = monitor
            self.fd = udev_monitor_get_fd(monitor)
        }

        deinit { udev_monitor_unref(monitor) }

        enum Change {
            case added(DeviceFacts)
            case removed(syspath: String, devnode: String?)
        }

        /// The next change, or nil when the event is not about a node the gateway cares about.
        func receive() -> Change? {
            guard let device = udev_monitor_receive_device(monitor) else { return nil }
            defer { udev_device_unref(device) }
            let action = Udev.string(udev_device_get_action(device)) ?? ""
            switch action {
            case "add", "change", "bind":
                return Udev.facts(device).map { .added($0) }
            case "remove":
                return .removed(
                    syspath: Udev.string(udev_device_get_syspath(device)) ?? "",
                    devnode: Udev.string(udev_device_get_devnode(device)))
            default:
                return nil
            }
        }
    }
}
