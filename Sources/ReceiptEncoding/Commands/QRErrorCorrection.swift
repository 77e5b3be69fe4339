/// QR error correction level (`GS ( k` function 069): how much of the symbol may be damaged.
public enum QRErrorCorrection: UInt8, Sendable, Hashable {
    /// About 7 % recoverable.
    case low = 48
    /// About 15 %: the usual choice for printed receipts.
    case medium = 49
    /// About 25 %.
    case quartile = 50
    /// About 30 %.
    case high = 51
}
