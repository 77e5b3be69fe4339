/// Size and legend of a one-dimensional barcode.
public struct BarcodeOptions: Sendable, Hashable {
    /// Bar height in dots (`GS h`, 1–255). 80 dots is 10 mm at 203 dpi: tall enough for any
    /// hand scanner, short enough not to waste paper.
    public var height: Int
    /// Width of the narrowest bar in dots (`GS w`, 2–6). 3 dots (0.375 mm at 203 dpi) keeps an
    /// EAN-13 (95 modules, 285 dots) inside even a 384-dot 58 mm printer. If a barcode does not fit
    /// the line, the encoder narrows it down to 2 before giving up.
    public var moduleWidth: Int
    /// Where the digits are printed.
    public var hriPosition: HRIPosition
    /// Font of the digits (`GS f`).
    public var hriFont: PrinterFont

    public init(height: Int = 80, moduleWidth: Int = 3, hriPosition: HRIPosition = .below, hriFont: PrinterFont = .a) {
        self.height = height
        self.moduleWidth = moduleWidth
        self.hriPosition = hriPosition
        self.hriFont = hriFont
    }
}
