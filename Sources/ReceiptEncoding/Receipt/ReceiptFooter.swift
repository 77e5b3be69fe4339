/// Closing text and an optional barcode.
public struct ReceiptFooter: Sendable, Hashable, Codable {
    public var lines: [String]
    public var barcode: FooterBarcode?

    public init(lines: [String] = [], barcode: FooterBarcode? = nil) {
        self.lines = lines
        self.barcode = barcode
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        lines = try container.decodeIfPresent([String].self, forKey: .lines) ?? []
        barcode = try container.decodeIfPresent(FooterBarcode.self, forKey: .barcode)
    }
}
