/// What a printer can do natively, so the encoder can pick a command or a fallback.
///
/// The flags mirror escpos-printer-db's `features` (paperFullCut, paperPartCut, qrCode,
/// barcodeA/barcodeB, bitImageRaster, pulseStandard) after resolving its `inherits` chain.
public struct PrinterFeatures: Sendable, Hashable, Codable {
    /// `GS V` full cut. Without any cutter the receipt is fed out for tearing off.
    public let fullCut: Bool
    /// `GS V` partial cut (one point left uncut, so the receipt does not fall).
    public let partialCut: Bool
    /// `GS ( k` QR code (model 2). Without it a QR code is sent as a raster image.
    public let qrCode: Bool
    /// `GS k` one-dimensional barcodes. Without it barcodes are sent as raster images.
    public let barcodes: Bool
    /// `GS k m n data` (function B, with a length byte) rather than NUL-terminated function A.
    /// Code 128 exists only in function B.
    public let barcodeFunctionB: Bool
    /// `GS v 0` raster bit images.
    public let rasterImage: Bool
    /// `ESC p` cash drawer kick pulse.
    public let drawerPulse: Bool

    public init(
        fullCut: Bool, partialCut: Bool, qrCode: Bool, barcodes: Bool,
        barcodeFunctionB: Bool, rasterImage: Bool, drawerPulse: Bool
    ) {
        self.fullCut = fullCut
        self.partialCut = partialCut
        self.qrCode = qrCode
        self.barcodes = barcodes
        self.barcodeFunctionB = barcodeFunctionB
        self.rasterImage = rasterImage
        self.drawerPulse = drawerPulse
    }
}
