/// The command a printer uses to switch its character code table.
///
/// Epson and most clones use `ESC t n`. Star printers, even in ESC/POS emulation, keep their own
/// table numbering (CP858 is 4 rather than 19, CP1252 is 32 rather than 16) under `ESC GS t n`;
/// sending Epson numbers with `ESC t` there prints the wrong table. escpos-printer-db marks these
/// printers with `starCommands`, and escpos-php switches to `ESC GS t` on that flag.
public enum CodePageCommand: String, Sendable, Hashable, Codable {
    case escT = "ESC t"
    case escGSt = "ESC GS t"

    /// The bytes that select table `number`.
    public func bytes(selecting number: UInt8) -> [UInt8] {
        switch self {
        case .escT: [0x1B, 0x74, number]
        case .escGSt: [0x1B, 0x1D, 0x74, number]
        }
    }
}
