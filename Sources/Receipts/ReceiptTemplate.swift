/// A merchant's fixed receipt head: name, address and logo. Configured once per shop on the
/// gateway, so every till prints the same head and a till never has to send the logo.
public struct ReceiptTemplate: Sendable, Hashable, Codable {
    public var merchantName: String
    public var addressLines: [String]
    /// Path of a PNG file; relative paths are relative to the configuration file.
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
