/// One thing a printer puts on paper (or does) while working through a byte stream, in order.
public enum PrintElement: Sendable, Hashable {
    /// A line of text ended by LF (or by a command that ends the line).
    case text([TextRun], alignment: Alignment)
    /// `GS v 0` bands, joined into one picture when they follow each other; already padded to
    /// its position by the sender.
    case raster(MonochromeBitmap)
    /// `GS k`: the printer draws the bars. `data` is what was sent (12 digits for EAN-13, the
    /// payload after `{B`/`{C` for Code 128).
    case barcode(
        symbology: String, data: String, height: Int, moduleWidth: Int, humanReadable: Bool, alignment: Alignment)
    /// `GS ( k` function 81: the stored QR code is printed.
    case qrCode(data: String, moduleSize: Int, alignment: Alignment)
    /// `ESC d n`.
    case feed(lines: Int)
    /// `GS V`.
    case cut(partial: Bool)
    /// `ESC p`.
    case drawerPulse(pin: Int)
}
