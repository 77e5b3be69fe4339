/// Symbols drawn from modules (QR codes from libzint, EAN-13 bars) turned into bitmaps, for
/// printers that cannot draw them with their own commands.
enum ModuleMatrix {
    /// A square QR matrix scaled to `moduleSize` dots per module, with the 4-module quiet zone
    /// the QR standard requires on every side.
    static func qrBitmap(_ matrix: [[Bool]], moduleSize: Int) throws(ReceiptError) -> MonochromeBitmap {
        let side = matrix.count
        guard side >= 21, matrix.allSatisfy({ $0.count == side }) else {
            throw .invalidModuleMatrix(
                "a QR matrix must be square and at least 21×21 modules; got \(side) rows of \(matrix.map(\.count).min() ?? 0)–\(matrix.map(\.count).max() ?? 0) modules"
            )
        }
        let quiet = 4
        let dots = (side + 2 * quiet) * moduleSize
        var bitmap = MonochromeBitmap(width: dots, height: dots)
        for (row, modules) in matrix.enumerated() {
            for (column, dark) in modules.enumerated() where dark {
                let x0 = (column + quiet) * moduleSize, y0 = (row + quiet) * moduleSize
                for y in y0..<(y0 + moduleSize) {
                    for x in x0..<(x0 + moduleSize) { bitmap[x, y] = true }
                }
            }
        }
        return bitmap
    }

    /// One row of bars stretched to `height` dots, `moduleWidth` dots per module, with a quiet
    /// zone of `quiet` modules left and right.
    static func barBitmap(_ modules: [Bool], moduleWidth: Int, height: Int, quiet: Int) throws(ReceiptError)
        -> MonochromeBitmap
    {
        guard !modules.isEmpty else { throw .invalidModuleMatrix("a barcode needs at least one module") }
        var bitmap = MonochromeBitmap(width: (modules.count + 2 * quiet) * moduleWidth, height: height)
        for (index, bar) in modules.enumerated() where bar {
            let x0 = (index + quiet) * moduleWidth
            for y in 0..<height {
                for x in x0..<(x0 + moduleWidth) { bitmap[x, y] = true }
            }
        }
        return bitmap
    }
}
