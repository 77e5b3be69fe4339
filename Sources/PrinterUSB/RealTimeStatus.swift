/// What a receipt printer says about itself, decoded from its `DLE EOT 1…4` answers.
///
/// Bit meanings are from Epson's ESC/POS reference for `DLE EOT` (the same on the TM-T20 and
/// TM-T88 series and on Star printers in ESC/POS emulation). Every answer byte has bits 1 and 4
/// set and bits 0 and 7 clear; a byte that does not is not a status answer (a Star printer in
/// Star mode, or left-over Automatic Status Back data), and is refused rather than guessed at.
public struct RealTimeStatus: Sendable, Hashable, Codable {
    public var online: Bool
    public var coverOpen: Bool
    public var paperNearEnd: Bool
    public var paperOut: Bool
    /// Drawer kick-out connector pin 3 is high. With the usual drawer switch that means the
    /// drawer is open; a drawer wired the other way reads inverted (documented in
    /// hardware-notes/receipt-printers.md).
    public var drawerOpen: Bool
    /// Autocutter, unrecoverable or auto-recoverable error (`DLE EOT 2` bit 6, `DLE EOT 3`).
    public var error: Bool

    public init(
        online: Bool = true, coverOpen: Bool = false, paperNearEnd: Bool = false, paperOut: Bool = false,
        drawerOpen: Bool = false, error: Bool = false
    ) {
        self.online = online
        self.coverOpen = coverOpen
        self.paperNearEnd = paperNearEnd
        self.paperOut = paperOut
        self.drawerOpen = drawerOpen
        self.error = error
    }

    /// Mask and value of the fixed bits every `DLE EOT` answer carries.
    static let fixedMask: UInt8 = 0b1001_0011
    static let fixedValue: UInt8 = 0b0001_0010

    public static func isStatusByte(_ byte: UInt8) -> Bool { byte & fixedMask == fixedValue }

    /// Decodes the answers to `DLE EOT 1`, `2`, `4` and (optionally) `3`.
    public init(printer: UInt8, offlineCause: UInt8, paperSensor: UInt8, errorCause: UInt8? = nil)
        throws(PrinterUSBError)
    {
        for (request, byte) in [
            (RealTimeStatusRequest.printer, printer), (.offlineCause, offlineCause), (.paperSensor, paperSensor),
        ]
        where !Self.isStatusByte(byte) {
            throw .notAStatusReply(request: request.rawValue, byte: byte)
        }
        if let errorCause, !Self.isStatusByte(errorCause) { throw .notAStatusReply(request: 3, byte: errorCause) }
        online = printer & 0x08 == 0
        drawerOpen = printer & 0x04 != 0
        coverOpen = offlineCause & 0x04 != 0
        // Bits 2 and 3 both report "near end" (two sensors on some models); either counts.
        paperNearEnd = paperSensor & 0x0C != 0
        // Bits 5 and 6: paper end; bit 5 of DLE EOT 2 says printing stopped for it.
        paperOut = paperSensor & 0x60 != 0 || offlineCause & 0x20 != 0
        error = offlineCause & 0x40 != 0 || (errorCause.map { $0 & 0x6C != 0 } ?? false)
    }

    /// What needs a person, most urgent first, in words a cashier acts on. Empty when all is well.
    public var problems: [String] {
        var list: [String] = []
        if coverOpen { list.append("the printer's cover is open: close it") }
        if paperOut { list.append("the printer is out of paper: put in a new roll") }
        if error { list.append("the printer reports an error: switch it off and on again") }
        if !online, !coverOpen, !paperOut, !error {
            list.append("the printer is offline: check that it is switched on")
        }
        if paperNearEnd, !paperOut { list.append("the paper roll is nearly used up: have a new roll ready") }
        return list
    }

    /// Whether a receipt sent now would print.
    public var canPrint: Bool { online && !coverOpen && !paperOut && !error }
}
