import CZint
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

    init(_ symbology: Symbology, data: String) throws(DesignError) {
        guard let symbol = ZBarcode_Create() else { throw DesignError("libzint could not allocate a barcode.") }
        defer { ZBarcode_Delete(symbol) }
        switch symbology {
        case .ean13: symbol.pointee.symbology = BARCODE_EANX
        case .code128: symbol.pointee.symbology = BARCODE_CODE128
        case .qr:
            symbol.pointee.symbology = BARCODE_QRCODE
            symbol.pointee.option_1 = 2   // error correction M: 15 % of a scratched card may be lost
        }
        // The number is drawn by the design's own `number` element, in the shop's font.
        symbol.pointee.show_hrt = 0
        let bytes = Array(data.utf8)
        let status = bytes.withUnsafeBufferPointer { ZBarcode_Encode(symbol, $0.baseAddress, Int32($0.count)) }
        guard status < ZINT_ERROR else {
            throw DesignError("The \(symbology.displayName) barcode cannot hold \(data): \(Self.message(symbol)).")
        }
        guard ZBarcode_Buffer_Vector(symbol, 0) < ZINT_ERROR, let vector = symbol.pointee.vector else {
            throw DesignError("libzint could not draw the \(symbology.displayName) barcode: \(Self.message(symbol)).")
        }
        var bars: [Bar] = []
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        var rect = vector.pointee.rectangles
        while let current = rect {
            let r = current.pointee
            let bar = Bar(x: Double(r.x), y: Double(r.y), width: Double(r.width), height: Double(r.height))
            bars.append(bar)
            minX = min(minX, bar.x); minY = min(minY, bar.y)
            maxX = max(maxX, bar.x + bar.width); maxY = max(maxY, bar.y + bar.height)
            rect = r.next
        }
        self.bars = bars
        self.bounds = (minX, minY, maxX, maxY)
        self.modules = Int(symbol.pointee.width)
    }

    private static func message(_ symbol: UnsafeMutablePointer<zint_symbol>) -> String {
        withUnsafeBytes(of: symbol.pointee.errtxt) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
