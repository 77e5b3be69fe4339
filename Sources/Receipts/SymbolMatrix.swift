import CZintMatrix
import ReceiptEncoding

/// Module matrices from libzint, for printers that cannot draw a symbol themselves (no `GS ( k`
/// or no `GS k` Code 128): the encoder then prints them as a raster image. Also used by the
/// preview to draw what the printer would draw.
public enum SymbolMatrix {
    /// The QR code for `data` (model 2, error correction M as the encoder asks the printer for),
    /// as rows of dark modules, without quiet zone.
    public static func qrCode(_ data: String) throws(ReceiptsError) -> [[Bool]] {
        try encode(58, data, option1: 2)  // BARCODE_QRCODE; error correction M
    }

    /// Code 128 as a single row of modules (bars true).
    public static func code128(_ data: String) throws(ReceiptsError) -> [Bool] {
        try encode(20, data, option1: 0).first ?? []  // BARCODE_CODE128
    }

    /// The matrix a printer without the native command needs for `barcode`, or nil when the
    /// printer draws it (or it is EAN-13, which the encoder draws itself).
    public static func fallback(for barcode: FooterBarcode?, profile: PrinterProfile) throws(ReceiptsError) -> [[Bool]]?
    {
        guard let barcode else { return nil }
        let symbology: BarcodeSymbology
        do { symbology = try barcode.symbology() } catch { throw .receipt(error) }
        switch symbology {
        case .qr where !profile.features.qrCode: return try qrCode(barcode.data)
        case .code128 where !(profile.features.barcodes && profile.features.barcodeFunctionB):
            return [try code128(barcode.data)]
        default: return nil
        }
    }

    private static func encode(_ symbology: Int32, _ data: String, option1: Int32) throws(ReceiptsError) -> [[Bool]] {
        var modules = [UInt8](repeating: 0, count: 200 * 1152)
        var error = [CChar](repeating: 0, count: 128)
        var rows: Int32 = 0, columns: Int32 = 0
        let bytes = Array(data.utf8)
        let status = loyalgate_zint_matrix(
            symbology, option1, bytes, Int32(bytes.count), &modules, Int32(modules.count), &rows, &columns, &error,
            Int32(error.count))
        guard status == 0 else {
            let message = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw ReceiptsError(.invalidReceipt, "The footer symbol cannot hold \"\(data.prefix(40))\": \(message).")
        }
        let width = Int(columns)
        return (0..<Int(rows)).map { y in (0..<width).map { x in modules[y * width + x] == 1 } }
    }
}
