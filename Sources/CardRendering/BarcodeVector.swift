import CZintMatrix
import CardDesign

/// A barcode as libzint's vector output: filled rectangles, so the PDF carries sharp bars at
/// any printer resolution instead of a bitmap that the driver would resample.
struct BarcodeVector {
    struct Bar { var x, y, width, height: Double }

    /// Rectangles in zint's units; `bounds` is the box they span (all symbologies used here start
    /// and end with a bar, so the span is exactly the symbol without quiet zones).
    var bars: [Bar]
    var bounds: (minX: Double, minY: Double, maxX: Double, maxY: Double)
    /// The symbol's width in modules, as zint encoded it.
    var modules: Int

    init(_ kind: CardBarcodeKind, data: String) throws(DesignError) {
        // zint's BARCODE_* numbers (zint.h); QR at error correction M: 15 % of a scratched card may be lost.
        let (symbology, option1): (Int32, Int32) =
            switch kind {
            case .ean13: (13, 0)  // BARCODE_EANX
            case .code128: (20, 0)  // BARCODE_CODE128
            case .qr: (58, 2)  // BARCODE_QRCODE
            }
        let bytes = Array(data.utf8)
        var error = [CChar](repeating: 0, count: 128)
        var count: Int32 = 0, columns: Int32 = 0
        // A 13-digit number needs a few hundred rectangles at most; a larger symbol says how many
        // it needs and is asked for again.
        var capacity: Int32 = 1024
        var rectangles: [Float] = []
        var status: Int32 = 0
        for _ in 0..<2 {
            rectangles = [Float](repeating: 0, count: Int(capacity) * 4)
            status = loyalgate_zint_vector(
                symbology, option1, bytes, Int32(bytes.count), &rectangles, capacity, &count, &columns, &error,
                Int32(error.count))
            guard status != 0, count > capacity else { break }
            capacity = count
        }
        guard status == 0 else {
            let message = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw DesignError("The \(kind.displayName) barcode cannot hold \(data): \(message).")
        }
        var bars: [Bar] = []
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for index in 0..<Int(count) {
            let bar = Bar(
                x: Double(rectangles[4 * index]), y: Double(rectangles[4 * index + 1]),
                width: Double(rectangles[4 * index + 2]), height: Double(rectangles[4 * index + 3]))
            bars.append(bar)
            minX = min(minX, bar.x)
            minY = min(minY, bar.y)
            maxX = max(maxX, bar.x + bar.width)
            maxY = max(maxY, bar.y + bar.height)
        }
        self.bars = bars
        self.bounds = (minX, minY, maxX, maxY)
        self.modules = Int(columns)
    }
}
