/// Why the printer's own status could not be read. None of these means the printer is broken:
/// "busy" is normal while CUPS prints, and "no answer" is unknown, not offline.
public enum PrinterUSBError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No USB device matches the configured id.
    case notFound(String)
    /// The device node is not readable and writable for this user (the udev rule, group loyalgate).
    case accessDenied(String)
    /// Another program holds the interface: normally the CUPS usb backend printing a job.
    case busy(String)
    /// The device has no bulk OUT and bulk IN endpoint pair to talk ESC/POS over.
    case noBulkEndpoints(String)
    /// The printer did not answer in time (not an ESC/POS printer, or in another emulation).
    case noAnswer(String)
    /// An answer byte that is not a `DLE EOT` status.
    case notAStatusReply(request: UInt8, byte: UInt8)
    /// Any other libusb failure, with libusb's name for it.
    case usb(String, code: Int32)
    /// A device id that is neither `VID:PID[:SERIAL]` nor a `/dev/bus/usb/BBB/DDD` path.
    case badDeviceID(String)

    public var description: String {
        switch self {
        case .notFound(let id): "No USB printer \(id) is connected."
        case .accessDenied(let id):
            "No permission to talk to the USB printer \(id): install udev/70-loyalgate-scanners.rules and add the user to group loyalgate."
        case .busy(let id):
            "The USB printer \(id) is busy (CUPS is printing on it); its status is read again after the job."
        case .noBulkEndpoints(let id): "The USB device \(id) has no bulk endpoints: it is not a receipt printer."
        case .noAnswer(let id): "The USB printer \(id) did not answer the status request (is it in ESC/POS mode?)."
        case .notAStatusReply(let request, let byte):
            "The printer answered DLE EOT \(request) with 0x\(String(byte, radix: 16)), which is not a status byte."
        case .usb(let what, let code): "USB error \(code) (\(what))."
        case .badDeviceID(let id):
            "\"\(id)\" is not a USB printer id: write VID:PID (04b8:0e15), VID:PID:SERIAL or /dev/bus/usb/BBB/DDD."
        }
    }
}
