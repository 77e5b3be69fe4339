/// Size and robustness of a QR code.
public struct QRCodeOptions: Sendable, Hashable {
    /// Dots per module (`GS ( k` function 067, 1–16). The raster fallback uses the same number,
    /// so a QR code looks the same whichever way it is printed.
    public var moduleSize: Int
    public var errorCorrection: QRErrorCorrection

    public init(moduleSize: Int = 6, errorCorrection: QRErrorCorrection = .medium) {
        self.moduleSize = moduleSize
        self.errorCorrection = errorCorrection
    }
}
