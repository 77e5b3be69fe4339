import Foundation

/// Bytes a printer would print as garbage or take as an unknown command: the interpreter stops
/// at them, so a test (or the preview) shows the fault instead of a plausible picture.
public enum InterpreterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A command this interpreter does not know, at a byte offset.
    case unknownCommand(offset: Int, bytes: [UInt8])
    /// The stream ends inside a command.
    case truncated(offset: Int)
    /// A byte ≥ 0x80 sent before any `ESC t` selected a table: the printer would use whatever
    /// its memory switches say (the pitfall of python-escpos #729).
    case textWithoutCodePage(offset: Int, byte: UInt8)
    /// `ESC t n` with a table the profile does not list, or a byte that table does not define.
    case unknownCharacter(offset: Int, table: UInt8, byte: UInt8)
    /// A raster, barcode or QR command whose parameters make no sense.
    case badParameters(offset: Int, String)

    public var description: String {
        switch self {
        case .unknownCommand(let offset, let bytes):
            "Unknown command \(bytes.map { String(format: "%02X", $0) }.joined(separator: " ")) at byte \(offset)."
        case .truncated(let offset): "The data ends inside the command at byte \(offset)."
        case .textWithoutCodePage(let offset, let byte):
            "Byte 0x\(String(format: "%02X", byte)) at \(offset) is printed before any code page was selected."
        case .unknownCharacter(let offset, let table, let byte):
            "Byte 0x\(String(format: "%02X", byte)) at \(offset) is not a character of table \(table) on this printer."
        case .badParameters(let offset, let why): "Bad parameters at byte \(offset): \(why)."
        }
    }
}
