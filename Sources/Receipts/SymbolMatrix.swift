import CZint
import ReceiptEncoding

/// Module matrices from libzint, for printers that cannot draw a symbol themselves (no `GS ( k`
/// or no `GS k` Code 128): the encoder then prints them as a raster image. Also used by the
/// preview to draw what the printer would draw.
public enum SymbolMatrix {
    /// The QR code for `data` (model 2, error correction M as the encoder asks the printer for),
    /// as rows of dark modules, without quiet zone.
    public static func qrCode(_ data: String) throws(ReceiptsError) -> [[Bool]] {
        try encode(BARCODE_QRCODE, data, option1: 2)
    }

    /// Code 128 as a single row of modules (bars true).
    public static func code128(_ data: String) throws(ReceiptsError) -> [Bool] {
        try encode(BARCODE_CODE128, data, option1: 0).first ?? []
    }

    /// The matrix a printer without the native command needs for `barcode`, or nil when the
    /// printer draws it (or it is EAN-13, which the encoder draws itself).
    public static func fallback(for barcode: FooterBarcode?, profile: PrinterProfile) throws(ReceiptsError) -> [[Bool]]? {
        guard let barcode else { return nil }
        let symbology: BarcodeSymbology
        do { symbology = try barcode.symbology() } catch { throw .receipt(error) }
        switch symbology {
        case .qr where !profile.features.qrCode: return try qrCode(barcode.data)
        case .code128 where !(profile.features.barcodes && profile.features.barcodeFunctionB): return [try code128(barcode.data)]
        default: return nil
        }
    }

    private static func encode(_ symbology: Int32, _ data: String, option1: Int32) throws(ReceiptsError) -> [[Bool]] {
        guard let symbol = ZBarcode_Create() else { throw ReceiptsError(.invalidReceipt, "libzint could not allocate a symbol.") }
        defer { ZBarcode_Delete(symbol) }
        symbol.pointee.symbology = symbology
        if option1 != 0 { symbol.pointee.option_1 = option1 }
        let bytes = Array(data.utf8)
        let status = bytes.withUnsafeBufferPointer { ZBarcode_Encode(symbol, $0.baseAddress, Int32($0.count)) }
        guard status < ZINT_ERROR else {
            let message = withUnsafeBytes(of: symbol.pointee.errtxt) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            throw ReceiptsError(.invalidReceipt, "The footer symbol cannot hold \"\(data.prefix(40))\": \(message).")
        }
        // One pixel per module (zint's raster X-dimension is 2 pixels at scale 1), no text, and
        // pixels as the characters '0'/'1' rather than RGB. (Reading `encoded_data` instead would
        // make Swift import a 200 × 144 tuple, which the compiler takes minutes over.)
        symbol.pointee.scale = 0.5
        symbol.pointee.show_hrt = 0
        symbol.pointee.output_options |= Int32(OUT_BUFFER_INTERMEDIATE)
        guard ZBarcode_Buffer(symbol, 0) < ZINT_ERROR, let bitmap = symbol.pointee.bitmap else {
            throw ReceiptsError(.invalidReceipt, "libzint could not draw the footer symbol.")
        }
        let width = Int(symbol.pointee.bitmap_width), height = Int(symbol.pointee.bitmap_height)
        let rows = symbology == BARCODE_CODE128 ? min(height, 1) : height
        return (0..<rows).map { y in (0..<width).map { x in bitmap[y * width + x] == UInt8(ascii: "1") } }
    }
}
