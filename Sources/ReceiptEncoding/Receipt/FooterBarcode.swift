/// A barcode or QR code at the foot of the receipt (the card number, a survey link).
///
/// `type` stays a string in the document so that an unknown type is reported as such
/// (`ReceiptError.unknownBarcodeType`) rather than as a generic JSON error.
public struct FooterBarcode: Sendable, Hashable, Codable {
    /// "EAN-13", "CODE-128" or "QR".
    public var type: String
    public var data: String

    public init(type: String, data: String) {
        self.type = type
        self.data = data
    }

    public init(_ symbology: BarcodeSymbology, data: String) {
        self.init(type: symbology.rawValue, data: data)
    }

    /// The symbology, or the error naming the unknown type.
    public func symbology() throws(ReceiptError) -> BarcodeSymbology {
        guard let symbology = BarcodeSymbology(name: type) else { throw .unknownBarcodeType(type) }
        return symbology
    }
}
