/// The barcode kinds (symbologies) a card may carry, with the sizes a till scanner needs. Not
/// ScanDecoding's `Symbology`, which names what a scanner reported.
///
/// Card numbers are always 13 digits (GS1 check digit), so each symbology's width in modules
/// is fixed; `CardRenderingTests` checks these counts against libzint's own output.
public enum CardBarcodeKind: String, Sendable, Codable, CaseIterable {
    case ean13
    case code128
    case qr

    public var displayName: String {
        switch self {
        case .ean13: "EAN-13"
        case .code128: "Code 128"
        case .qr: "QR code"
        }
    }

    /// Width of the symbol without quiet zones, in modules (X-dimensions), for 13 digits.
    public var modules: Int {
        switch self {
        case .ean13: 95  // 3 + 6×7 + 5 + 6×7 + 3
        case .code128: 123  // start, 8 symbols (6 digit pairs, code B, 1 digit), check, stop
        case .qr: 21  // version 1 holds up to 17 digits even at error correction H
        }
    }

    /// Quiet zones left and right in modules: EAN-13 11 and 7 (GS1 General Specifications
    /// §5.2.3.4), Code 128 10 each side (ISO/IEC 15417), QR 4 on every side (ISO/IEC 18004).
    public var quietZone: (left: Int, right: Int) {
        switch self {
        case .ean13: (11, 7)
        case .code128: (10, 10)
        case .qr: (4, 4)
        }
    }

    public var totalModules: Int { modules + quietZone.left + quietZone.right }

    /// The smallest module a hand scanner at a till reads reliably, in mm. EAN-13: 0.264 mm is
    /// GS1's 80 % magnification minimum. Code 128: 0.25 mm, GS1-128's minimum X. QR: 0.40 mm is
    /// our choice for a phone or imager at arm's length (GS1 gives 0.396 mm for its QR uses).
    public var minimumModuleMM: Double {
        switch self {
        case .ean13: 0.264
        case .code128: 0.25
        case .qr: 0.40
        }
    }

    /// Linear codes: bars at least 6.35 mm or 15 % of the symbol's width, whichever is more (the
    /// ANSI/AIM rule of thumb for hand scanning; a card is never read omnidirectionally on a
    /// belt, so GS1's full 22.85 mm EAN-13 height is not required). QR is square.
    public func minimumHeightMM(symbolWidthMM: Double) -> Double {
        switch self {
        case .ean13, .code128: max(6.35, 0.15 * symbolWidthMM)
        case .qr: symbolWidthMM
        }
    }

    public var isTwoDimensional: Bool { self == .qr }
}
