import CZintMatrix

/// A card's barcode as SVG for a phone's screen, from libzint's vector output (the same binding
/// the printed cards use), so the bars on the screen are the bars on the card.
enum BarcodeSVG {
    /// zint's BARCODE_* numbers: EAN-13 for card numbers (what the tills' scanners read off the
    /// card), QR code at error correction M for links.
    enum Symbology {
        case ean13, qr
        var zint: (Int32, Int32) {
            switch self {
            case .ean13: (13, 0)
            case .qr: (58, 2)
            }
        }
    }

    /// An `<svg>` element scaled to its container's width, with a quiet zone around the symbol;
    /// nil when zint refuses the data (never for a card number the core answered).
    static func svg(_ symbology: Symbology, _ data: String, label: String) -> String? {
        let bytes = Array(data.utf8)
        var error = [CChar](repeating: 0, count: 128)
        var count: Int32 = 0, columns: Int32 = 0
        var capacity: Int32 = 2048
        var rectangles: [Float] = []
        var status: Int32 = 0
        for _ in 0..<2 {
            rectangles = [Float](repeating: 0, count: Int(capacity) * 4)
            status = loyalgate_zint_vector(
                symbology.zint.0, symbology.zint.1, bytes, Int32(bytes.count), &rectangles, capacity, &count, &columns,
                &error, Int32(error.count))
            guard status != 0, count > capacity else { break }
            capacity = count
        }
        guard status == 0, count > 0 else { return nil }
        var minX = Float.infinity, minY = Float.infinity, maxX = -Float.infinity, maxY = -Float.infinity
        for index in 0..<Int(count) {
            let (x, y, w, h) = (
                rectangles[4 * index], rectangles[4 * index + 1], rectangles[4 * index + 2], rectangles[4 * index + 3]
            )
            minX = min(minX, x)
            minY = min(minY, y)
            maxX = max(maxX, x + w)
            maxY = max(maxY, y + h)
        }
        // Ten modules of quiet zone beside an EAN-13 (GS1 asks 11 and 7; 10 each side is ample
        // on a white screen), four around a QR code.
        let module = (maxX - minX) / Float(max(columns, 1))
        let quiet = module * (symbology == .ean13 ? 11 : 4)
        let width = maxX - minX + 2 * quiet
        let height = maxY - minY + (symbology == .ean13 ? 2 * module : 2 * quiet)
        let top = symbology == .ean13 ? module : quiet
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"barcode\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" role=\"img\" aria-label=\"\(label)\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
        for index in 0..<Int(count) {
            svg +=
                "<rect x=\"\(fmt(rectangles[4 * index] - minX + quiet))\" y=\"\(fmt(rectangles[4 * index + 1] - minY + top))\" width=\"\(fmt(rectangles[4 * index + 2]))\" height=\"\(fmt(rectangles[4 * index + 3]))\"/>"
        }
        return svg + "</svg>"
    }

    private static func fmt(_ value: Float) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
