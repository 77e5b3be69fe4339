/// The symbols a receipt footer can carry, named as in the protocol's scan events.
public enum BarcodeSymbology: String, Sendable, Hashable, CaseIterable {
    case ean13 = "EAN-13"
    case code128 = "CODE-128"
    case qr = "QR"

    /// Accepts the protocol names and the common spellings without hyphen, in any case.
    public init?(name: String) {
        switch name.uppercased().replacingOccurrences(of: "_", with: "-") {
        case "EAN-13", "EAN13": self = .ean13
        case "CODE-128", "CODE128": self = .code128
        case "QR", "QR-CODE", "QRCODE": self = .qr
        default: return nil
        }
    }
}

private extension String {
    func replacingOccurrences(of target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
