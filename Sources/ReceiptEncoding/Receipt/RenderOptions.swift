/// Choices the renderer makes that are the shop's, not the document's.
public struct RenderOptions: Sendable, Hashable {
    /// How the receipt leaves the printer; partial keeps it hanging until taken.
    public var cut: CutMode
    /// Kick the cash drawer after the receipt (pin 2, 100 ms).
    public var openDrawer: Bool
    /// How the logo becomes black and white.
    public var logoDithering: Dithering
    public var barcode: BarcodeOptions
    public var qrCode: QRCodeOptions
    /// Rows per `GS v 0` band (see `ESCPOSEncoder.init`).
    public var rasterBandRows: Int

    public init(
        cut: CutMode = .partial, openDrawer: Bool = false, logoDithering: Dithering = .floydSteinberg,
        barcode: BarcodeOptions = BarcodeOptions(), qrCode: QRCodeOptions = QRCodeOptions(), rasterBandRows: Int = 24
    ) {
        self.cut = cut
        self.openDrawer = openDrawer
        self.logoDithering = logoDithering
        self.barcode = barcode
        self.qrCode = qrCode
        self.rasterBandRows = rasterBandRows
    }
}
