/// A barcode symbology as reported to tills in the `scan` event.
///
/// The raw values are the wire names of protocol v1 (`EAN-13`, `EAN-8`, `CODE-128`, `QR`, ...);
/// the contract allows adding names but never renaming them, so a case's `wireName` must not change
/// once shipped. GS1 variants get their own names because a till treats GS1 element strings
/// (FNC1-led data with Application Identifiers) differently from plain text.
public enum Symbology: String, Sendable, Hashable, CaseIterable {
    case ean13 = "EAN-13"
    case ean8 = "EAN-8"
    case upcA = "UPC-A"
    case upcE = "UPC-E"
    /// A two-digit EAN/UPC add-on read on its own (AIM `]E1`).
    case ean2 = "EAN-2"
    /// A five-digit EAN/UPC add-on read on its own (AIM `]E2`).
    case ean5 = "EAN-5"
    case code128 = "CODE-128"
    case gs1128 = "GS1-128"
    case code39 = "CODE-39"
    case code93 = "CODE-93"
    case code11 = "CODE-11"
    case codabar = "CODABAR"
    case itf = "ITF"
    case msi = "MSI"
    case gs1DataBar = "GS1-DATABAR"
    case pdf417 = "PDF417"
    case qr = "QR"
    case gs1QR = "GS1-QR"
    case dataMatrix = "DATAMATRIX"
    case gs1DataMatrix = "GS1-DATAMATRIX"
    case aztec = "AZTEC"
    case maxiCode = "MAXICODE"
    case dotCode = "DOTCODE"

    /// The name used in the `symbology` field of the protocol's `scan` event.
    public var wireName: String { rawValue }

    /// Looks a symbology up by its wire name, e.g. when reading a stored event back.
    public init?(wireName: String) {
        self.init(rawValue: wireName)
    }
}
