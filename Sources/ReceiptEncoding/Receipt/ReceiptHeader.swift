/// The top of the receipt: who sold.
public struct ReceiptHeader: Sendable, Hashable, Codable {
    public var merchantName: String
    public var addressLines: [String]
    /// A name the caller resolves to a logo picture (e.g. a file in the gateway's configuration);
    /// the renderer prints the `RasterImage` it is handed and only reads this to know one is wanted.
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
