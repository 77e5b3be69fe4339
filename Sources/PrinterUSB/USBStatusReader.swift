import CUsb

/// Reads a USB receipt printer's real-time status with libusb: `DLE EOT n` on the bulk OUT
/// endpoint, one status byte back on bulk IN, for n = 1, 2, 4 and 3.
///
/// Printing goes through CUPS; this only asks. While the CUPS usb backend prints it holds the
/// interface, and the answer is `PrinterUSBError.busy`: callers ask again between jobs and never
/// take the interface from a job (only the kernel's usblp is detached, which CUPS does not use;
/// see hardware-notes/receipt-printers.md).
public struct USBStatusReader: Sendable {
    public let device: USBDeviceID
    /// How long one answer may take. A printer answers `DLE EOT` within milliseconds; no answer
    /// in a second means it is not listening in ESC/POS.
    public var timeoutMilliseconds: UInt32

    public init(device: USBDeviceID, timeoutMilliseconds: UInt32 = 1000) {
        self.device = device
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    public func read() throws(PrinterUSBError) -> RealTimeStatus {
        var context: OpaquePointer?
        guard libusb_init(&context) == 0, let context else { throw .usb("libusb_init", code: -99) }
        defer { libusb_exit(context) }
        let handle = try open(in: context)
        defer { libusb_close(handle) }
        let (interface, out, inbound) = try endpoints(of: libusb_get_device(handle))
        // Only the kernel's usblp is detached, and only when it is bound; it is given the
        // interface back afterwards, so a site printing through /dev/usb/lp0 keeps working.
        // (libusb's auto-detach would also try to detach when no driver is bound.)
        let detached =
            libusb_kernel_driver_active(handle, interface) == 1 && libusb_detach_kernel_driver(handle, interface) == 0
        defer { if detached { libusb_attach_kernel_driver(handle, interface) } }
        let claimed = libusb_claim_interface(handle, interface)
        guard claimed == 0 else { throw map(claimed, doing: "claim the interface") }
        defer { libusb_release_interface(handle, interface) }

        func ask(_ request: RealTimeStatusRequest) throws(PrinterUSBError) -> UInt8 {
            var command = request.command
            var sent: Int32 = 0
            let wrote = libusb_bulk_transfer(handle, out, &command, Int32(command.count), &sent, timeoutMilliseconds)
            guard wrote == 0 else { throw map(wrote, doing: "send DLE EOT \(request.rawValue)") }
            // A whole packet's room: a printer with Automatic Status Back on may have queued
            // other bytes; the answer to this request is the last one.
            var answer = [UInt8](repeating: 0, count: 64)
            var received: Int32 = 0
            let read = libusb_bulk_transfer(
                handle, inbound, &answer, Int32(answer.count), &received, timeoutMilliseconds)
            guard read == 0 else { throw map(read, doing: "read the answer to DLE EOT \(request.rawValue)") }
            guard received > 0 else { throw .noAnswer(device.description) }
            return answer[Int(received) - 1]
        }
        let printer = try ask(.printer)
        let offline = try ask(.offlineCause)
        let paper = try ask(.paperSensor)
        let error = try ask(.errorCause)
        return try RealTimeStatus(printer: printer, offlineCause: offline, paperSensor: paper, errorCause: error)
    }

    /// Opens the first device that matches `device`.
    private func open(in context: OpaquePointer) throws(PrinterUSBError) -> OpaquePointer {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(context, &list)
        guard count >= 0, let list else { throw map(Int32(count), doing: "list USB devices") }
        defer { libusb_free_device_list(list, 1) }
        var denied = false
        for index in 0..<count {
            guard let candidate = list[index] else { continue }
            var descriptor = libusb_device_descriptor()
            guard libusb_get_device_descriptor(candidate, &descriptor) == 0 else { continue }
            switch device {
            case .node(let bus, let address):
                guard libusb_get_bus_number(candidate) == bus, libusb_get_device_address(candidate) == address else {
                    continue
                }
            case .model(let vendor, let product, _):
                guard descriptor.idVendor == vendor, descriptor.idProduct == product else { continue }
            }
            var handle: OpaquePointer?
            let opened = libusb_open(candidate, &handle)
            if opened == LIBUSB_ERROR_ACCESS.rawValue {
                denied = true
                continue
            }
            guard opened == 0, let handle else { continue }
            if case .model(_, _, let serial?) = device, serialNumber(handle, descriptor) != serial {
                libusb_close(handle)
                continue
            }
            return handle
        }
        throw denied ? .accessDenied(device.description) : .notFound(device.description)
    }

    private func serialNumber(_ handle: OpaquePointer, _ descriptor: libusb_device_descriptor) -> String? {
        guard descriptor.iSerialNumber != 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = libusb_get_string_descriptor_ascii(handle, descriptor.iSerialNumber, &buffer, Int32(buffer.count))
        guard length > 0 else { return nil }
        return String(decoding: buffer[..<Int(length)], as: UTF8.self)
    }

    /// The first interface with a bulk OUT and a bulk IN endpoint: the printer class interface
    /// (7/1/2) on most models, a vendor-class one on the TM-T88IV/V (04b8:0202).
    private func endpoints(of usbDevice: OpaquePointer?) throws(PrinterUSBError) -> (Int32, UInt8, UInt8) {
        var config: UnsafeMutablePointer<libusb_config_descriptor>?
        let got = libusb_get_active_config_descriptor(usbDevice, &config)
        guard got == 0, let config else { throw map(got, doing: "read the configuration") }
        defer { libusb_free_config_descriptor(config) }
        for i in 0..<Int(config.pointee.bNumInterfaces) {
            let interface = config.pointee.interface[i]
            for a in 0..<Int(interface.num_altsetting) {
                let setting = interface.altsetting[a]
                var out: UInt8?
                var inbound: UInt8?
                for e in 0..<Int(setting.bNumEndpoints) {
                    let endpoint = setting.endpoint[e]
                    guard endpoint.bmAttributes & 0x03 == UInt8(LIBUSB_TRANSFER_TYPE_BULK.rawValue) else { continue }
                    if endpoint.bEndpointAddress & 0x80 != 0 {
                        inbound = inbound ?? endpoint.bEndpointAddress
                    } else {
                        out = out ?? endpoint.bEndpointAddress
                    }
                }
                if let out, let inbound { return (Int32(setting.bInterfaceNumber), out, inbound) }
            }
        }
        throw .noBulkEndpoints(device.description)
    }

    private func map(_ code: Int32, doing what: String) -> PrinterUSBError {
        switch code {
        case LIBUSB_ERROR_ACCESS.rawValue: .accessDenied(device.description)
        case LIBUSB_ERROR_BUSY.rawValue: .busy(device.description)
        case LIBUSB_ERROR_NO_DEVICE.rawValue, LIBUSB_ERROR_NOT_FOUND.rawValue: .notFound(device.description)
        case LIBUSB_ERROR_TIMEOUT.rawValue: .noAnswer(device.description)
        default: .usb(what + ": " + String(cString: libusb_error_name(code)), code: code)
        }
    }
}
