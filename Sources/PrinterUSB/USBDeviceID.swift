import Foundation

/// Which USB printer to ask: `VID:PID` (the first one), `VID:PID:SERIAL` (one of several of the
/// same model) or the usbdevfs node `/dev/bus/usb/BBB/DDD` (what `lsusb` shows).
public enum USBDeviceID: Sendable, Hashable, CustomStringConvertible {
    case model(vendor: UInt16, product: UInt16, serial: String?)
    case node(bus: UInt8, address: UInt8)

    public init(_ text: String) throws(PrinterUSBError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("/dev/bus/usb/") {
            let parts = trimmed.dropFirst("/dev/bus/usb/".count).split(separator: "/")
            guard parts.count == 2, let bus = UInt8(parts[0]), let address = UInt8(parts[1]) else {
                throw .badDeviceID(text)
            }
            self = .node(bus: bus, address: address)
            return
        }
        let parts = trimmed.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].count == 4, parts[1].count == 4,
            let vendor = UInt16(parts[0], radix: 16), let product = UInt16(parts[1], radix: 16)
        else {
            throw .badDeviceID(text)
        }
        self = .model(vendor: vendor, product: product, serial: parts.count == 3 ? String(parts[2]) : nil)
    }

    public var description: String {
        func hex(_ value: UInt16) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 4 - digits.count) + digits
        }
        switch self {
        case .model(let vendor, let product, let serial):
            return hex(vendor) + ":" + hex(product) + (serial.map { ":" + $0 } ?? "")
        case .node(let bus, let address):
            func three(_ value: UInt8) -> String {
                let s = String(value)
                return String(repeating: "0", count: 3 - s.count) + s
            }
            return "/dev/bus/usb/\(three(bus))/\(three(address))"
        }
    }
}
