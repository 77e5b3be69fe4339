/// The character modes in force when a character was printed.
public struct TextStyle: Sendable, Hashable {
    public var bold = false
    public var underline = false
    public var widthMultiplier = 1
    public var heightMultiplier = 1
    public var font: PrinterFont = .a

    public init() {}
}
