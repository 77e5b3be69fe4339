import Foundation

/// An emulated device: a sysfs description in umockdev's format (parents first, so the USB
/// parent is there when the node's `add` event goes out) and, for evdev nodes, the ioctl
/// answers libevdev asks for.
///
/// Each scanner model is a data file in `Devices/` (one per model, started from the fixtures in
/// the project's research notes, umockdev-examples, which were checked against libudev and
/// libevdev on this platform), chosen by what it can do: `keyboardWedge(layout:)`, `hidPOS()`,
/// `serialScanner()`, and an ordinary keyboard the gateway must leave alone. Adding a model is
/// adding a file.
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
        guard let bus = parts.firstIndex(where: { $0.hasPrefix("usb") && $0.dropFirst(3).allSatisfy(\.isNumber) }),
            bus + 1 < parts.count
        else { return leafSyspath }
        return parts[...(bus + 1)].joined(separator: "/")
    }

    /// The device id the gateway gives it (vendor:product:serial or vendor:product@port).
    public var id: String
    /// False for the ordinary keyboard, which the gateway must leave alone.
    public var isScanner: Bool = true

    /// What a device file says it is.
    public enum Capability: String, Decodable, Sendable {
        /// A scanner typing as a USB keyboard, in `layout`.
        case keyboardWedge = "keyboard-wedge"
        /// A scanner on hidraw with HID POS reports.
        case hidPOS = "hid-pos"
        /// A scanner on a CDC-ACM tty.
        case serial
        /// An ordinary keyboard, not a scanner.
        case keyboard
    }

    /// One file of `Devices/`. Text fields may hold `{port}`, `{event}`, `{serial}`, `{port+10}`,
    /// `{event+10}` and `{event+64}`, filled in for the instance (which USB port, which event
    /// number); a `umockdev` line starting with `?serial ` is kept only for a device with a serial
    /// number.
    struct DeviceFile: Decodable {
        var model: String
        var capability: Capability
        var layout: String?
        var vendorId: String
        var productId: String
        /// The evdev name (keyboard nodes: it goes into the ioctl answers).
        var name: String?
        var node: String
        var syspath: String
        var id: String
        var idWithoutSerial: String?
        var umockdev: [String]
    }

    /// A keyboard-wedge scanner typing in `layout`, with serial number `serial` (nil: none) on USB
    /// port 1-`port`, as `/dev/input/event<event>`. With `properties`, the node also carries udev
    /// properties (as the installed hwdb and rules would add them).
    public static func keyboardWedge(
        layout: String = "us", serial: String? = "12345", port: Int = 2, event: Int = 20,
        properties: [String: String] = [:]
    ) -> EmulatedScanner {
        load(file(.keyboardWedge, layout: layout), serial: serial, port: port, event: event, properties: properties)
    }

    /// A HID POS scanner (report layout from its report descriptor).
    public static func hidPOS() -> EmulatedScanner {
        load(file(.hidPOS))
    }

    /// A serial (USB CDC) scanner.
    public static func serialScanner() -> EmulatedScanner {
        load(file(.serial))
    }

    /// An ordinary USB keyboard: not in the scanner table, so the gateway must leave it alone.
    public static func ordinaryKeyboard(event: Int = 3) -> EmulatedScanner {
        load(file(.keyboard), event: event)
    }

    /// The folder of device files. The test bed is never installed: it runs from a checkout
    /// (`swift test`, `swift run loyalgate-testbed`), so the files are found beside this source
    /// file (#filePath) rather than in a resource bundle, which SwiftPM puts beside the binary
    /// and which does not follow a copied binary. `LOYALGATE_TESTBED_DEVICES` names another folder.
    public static let folder: URL =
        ProcessInfo.processInfo.environment["LOYALGATE_TESTBED_DEVICES"].map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Devices")

    /// Every device file, by name.
    static let files: [String: DeviceFile] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var files: [String: DeviceFile] = [:]
        for name in names.sorted() where name.hasSuffix(".json") {
            let url = folder.appendingPathComponent(name)
            do {
                files[name] = try JSONDecoder().decode(DeviceFile.self, from: Data(contentsOf: url))
            } catch {
                preconditionFailure("the emulated device file \(url.path) is not readable: \(error)")
            }
        }
        return files
    }()

    /// The first device file (by name) with this capability (and layout, for keyboard wedges).
    static func file(_ capability: Capability, layout: String? = nil) -> DeviceFile {
        let match = files.sorted { $0.key < $1.key }.first {
            $0.value.capability == capability && (layout == nil || $0.value.layout == layout)
        }
        guard let match else {
            preconditionFailure(
                "no emulated device file in \(folder.path) is a \(capability.rawValue)\(layout.map { " with layout \($0)" } ?? "")"
            )
        }
        return match.value
    }

    static func load(
        _ file: DeviceFile, serial: String? = nil, port: Int = 0, event: Int = 0, properties: [String: String] = [:]
    ) -> EmulatedScanner {
        func fill(_ text: String) -> String {
            text.replacingOccurrences(of: "{port+10}", with: String(10 + port))
                .replacingOccurrences(of: "{event+10}", with: String(10 + event))
                .replacingOccurrences(of: "{event+64}", with: String(64 + event))
                .replacingOccurrences(of: "{port}", with: String(port))
                .replacingOccurrences(of: "{event}", with: String(event))
                .replacingOccurrences(of: "{serial}", with: serial ?? "")
        }
        let lines = file.umockdev.compactMap { line -> String? in
            guard line.hasPrefix("?serial ") else { return fill(line) }
            return serial == nil ? nil : fill(String(line.dropFirst("?serial ".count)))
        }
        // Extra udev properties belong to the node, which is the last entry.
        let extra = properties.sorted { $0.key < $1.key }.map { "E: \($0.key)=\($0.value)" }
        let description = (lines + extra).joined(separator: "\n") + "\n"
        let node = fill(file.node)
        let ioctl = file.name.flatMap { name in
            UInt16(file.vendorId, radix: 16).flatMap { vendor in
                UInt16(file.productId, radix: 16).map {
                    evdevIoctl(node: node, name: name, vendor: vendor, product: $0)
                }
            }
        }
        let id = serial == nil ? fill(file.idWithoutSerial ?? file.id) : fill(file.id)
        return EmulatedScanner(
            description: description, ioctl: ioctl, node: node, leafSyspath: fill(file.syspath), id: id,
            isScanner: file.capability != .keyboard)
    }

    /// The evdev ioctl answers libevdev needs to open a keyboard (`Devices/evdev-keyboard.ioctl`,
    /// from umockdev-examples' scanner-evdev.ioctl), with this device's name and ids.
    static func evdevIoctl(node: String, name: String, vendor: UInt16, product: UInt16) -> String {
        func le(_ value: UInt16) -> String { String(format: "%02X%02X", value & 0xFF, value >> 8) }
        let nameHex = Array(name.utf8).prefix(254).map { String(format: "%02X", $0) }.joined()
        let padded = nameHex + String(repeating: "00", count: 255 - min(254, name.utf8.count))
        let url = folder.appendingPathComponent("evdev-keyboard.ioctl")
        guard let template = try? String(contentsOf: url, encoding: .utf8) else {
            preconditionFailure("the evdev ioctl template \(url.path) is missing")
        }
        return template.replacingOccurrences(of: "{node}", with: node)
            .replacingOccurrences(of: "{vendorLE}", with: le(vendor))
            .replacingOccurrences(of: "{productLE}", with: le(product))
            .replacingOccurrences(of: "{nameLength}", with: String(name.utf8.count + 1))
            .replacingOccurrences(of: "{nameHex}", with: padded)
    }
}
