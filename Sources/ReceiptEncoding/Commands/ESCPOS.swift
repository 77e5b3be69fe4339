/// The ESC/POS command bytes this module emits, one function per command.
///
/// Each is as in Epson's "ESC/POS Command Reference for TM Printers"; the encoder decides when
/// to send which, these only spell them.
enum ESCPOS {
    static let esc: UInt8 = 0x1B
    static let gs: UInt8 = 0x1D
    static let lineFeed: UInt8 = 0x0A

    /// `ESC @`: clears the buffer and resets every mode to the power-on default.
    static let initialize: [UInt8] = [esc, 0x40]

    /// `ESC E n`: emphasized (bold) on or off.
    static func bold(_ on: Bool) -> [UInt8] { [esc, 0x45, on ? 1 : 0] }

    /// `ESC - n`: underline off, 1 dot or 2 dots.
    static func underline(_ mode: Underline) -> [UInt8] { [esc, 0x2D, mode.rawValue] }

    /// `GS ! n`: character size; width multiplier in the high nibble, height in the low, each 1–8.
    static func characterSize(width: Int, height: Int) -> [UInt8] {
        [gs, 0x21, UInt8((width - 1) << 4 | (height - 1))]
    }

    /// `ESC M n`: Font A or Font B.
    static func font(_ font: PrinterFont) -> [UInt8] { [esc, 0x4D, font.escMValue] }

    /// `ESC a n`: justification of the lines that follow.
    static func alignment(_ alignment: Alignment) -> [UInt8] { [esc, 0x61, alignment.escAValue] }

    /// `ESC d n`: print the buffer and feed `n` lines.
    static func feed(lines: UInt8) -> [UInt8] { [esc, 0x64, lines] }

    /// `GS V m n` with m = 65 (full) or 66 (partial): feed to the cutter plus `n` dots, then cut,
    /// so the last printed line is never cut off.
    static func cut(_ mode: CutMode, feedDots: UInt8) -> [UInt8] {
        [gs, 0x56, mode == .full ? 65 : 66, feedDots]
    }

    /// `ESC p m t1 t2`: drawer pulse, on for t1 × 2 ms and off for t2 × 2 ms.
    static func pulse(_ pin: DrawerPin, onUnits: UInt8, offUnits: UInt8) -> [UInt8] {
        [esc, 0x70, pin.escPValue, onUnits, offUnits]
    }

    /// `GS h n`, `GS w n`, `GS H n`, `GS f n`: barcode height, module width, HRI position and font.
    static func barcodeSetup(_ options: BarcodeOptions, moduleWidth: Int) -> [UInt8] {
        [
            gs, 0x68, UInt8(options.height),
            gs, 0x77, UInt8(moduleWidth),
            gs, 0x48, options.hriPosition.rawValue,
            gs, 0x66, options.hriFont.escMValue,
        ]
    }

    /// `GS k m n d1…dn` (function B, m = 65…73) with the data length in `n`.
    static func barcodeFunctionB(type: UInt8, data: [UInt8]) -> [UInt8] {
        [gs, 0x6B, type, UInt8(data.count)] + data
    }

    /// `GS k m d1…dk NUL` (function A, m = 0…6) for printers without function B.
    static func barcodeFunctionA(type: UInt8, data: [UInt8]) -> [UInt8] {
        [gs, 0x6B, type] + data + [0]
    }

    /// `GS ( k pL pH cn fn …` with cn = 49 (QR code); pL pH count the bytes after themselves.
    static func qr(function: UInt8, _ parameters: [UInt8]) -> [UInt8] {
        let length = parameters.count + 2
        return [gs, 0x28, 0x6B, UInt8(length & 0xFF), UInt8(length >> 8), 49, function] + parameters
    }

    /// `GS v 0 m xL xH yL yH d1…dk` with m = 0 (normal density): `bytesPerRow` × `rows` of bitmap.
    static func rasterHeader(bytesPerRow: Int, rows: Int) -> [UInt8] {
        [
            gs, 0x76, 0x30, 0,
            UInt8(bytesPerRow & 0xFF), UInt8(bytesPerRow >> 8),
            UInt8(rows & 0xFF), UInt8(rows >> 8),
        ]
    }
}
