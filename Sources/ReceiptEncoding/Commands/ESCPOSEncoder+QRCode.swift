extension ESCPOSEncoder {
    /// Largest payload `GS ( k` function 080 accepts (7,089 numeric digits; fewer in byte mode,
    /// which the printer reports by not printing).
    public static let maximumQRDataBytes = 7089

    /// A QR code (model 2). Printers with `GS ( k` draw it themselves; the others get
    /// `fallbackMatrix` (from libzint in the main program) as a raster image, with the same dots
    /// per module. The encoder does not generate QR matrices.
    public mutating func qrCode(
        _ data: String, options: QRCodeOptions = QRCodeOptions(), fallbackMatrix: [[Bool]]? = nil
    ) throws(ReceiptError) {
        let payload = Array(data.utf8)
        guard !payload.isEmpty, payload.count <= Self.maximumQRDataBytes else {
            throw .invalidBarcodeData(
                symbology: "QR", data: String(data.prefix(40)),
                reason: "it must hold 1 to \(Self.maximumQRDataBytes) bytes, not \(payload.count)")
        }
        guard (1...16).contains(options.moduleSize) else {
            throw .invalidArgument("QR module size is 1 to 16 dots, not \(options.moduleSize)")
        }
        endLine()
        if profile.features.qrCode {
            bytes += ESCPOS.qr(function: 65, [50, 0])  // model 2
            bytes += ESCPOS.qr(function: 67, [UInt8(options.moduleSize)])
            bytes += ESCPOS.qr(function: 69, [options.errorCorrection.rawValue])
            bytes += ESCPOS.qr(function: 80, [48] + payload)  // store in the symbol buffer
            bytes += ESCPOS.qr(function: 81, [48])  // print it
        } else {
            guard let fallbackMatrix else {
                throw .missingSymbolMatrix(symbology: "QR", printer: profile.name)
            }
            let moduleSize = try fittingModuleWidth(
                modules: fallbackMatrix.count + 8, requested: options.moduleSize, symbology: "QR", minimum: 1)
            try image(ModuleMatrix.qrBitmap(fallbackMatrix, moduleSize: moduleSize))
        }
    }
}
