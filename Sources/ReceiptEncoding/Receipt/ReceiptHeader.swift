/// The top of the receipt: who sold. Either in the document a till sends (`header`) or, as a
/// merchant's template, configured once per shop on the gateway (`templates` in its receipts
/// configuration, docs/receipts.md): then every till prints the same head, whatever it sends,
/// and never has to send the logo.
public struct ReceiptHeader: Sendable, Hashable, Codable {
    public var merchantName: String
    public var addressLines: [String]
    /// A name the caller resolves to a logo picture: in a template, the path of a PNG file
    /// (relative to the configuration file). The renderer prints the `RasterImage` it is handed
    /// and only reads this to know one is wanted.
    public var logo: String?

    public init(merchantName: String, addressLines: [String] = [], logo: String? = nil) {
        self.merchantName = merchantName
        self.addressLines = addressLines
        self.logo = logo
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        merchantName = try container.decode(String.self, forKey: .merchantName)
        addressLines = try container.decodeIfPresent([String].self, forKey: .addressLines) ?? []
        logo = try container.decodeIfPresent(String.self, forKey: .logo)
    }
}
