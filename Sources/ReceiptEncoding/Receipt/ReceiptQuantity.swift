/// How many of an item were sold: a JSON integer (2) or a decimal string ("0.75" kg).
///
/// Both spellings are accepted because quantities, unlike money, are naturally integers on the
/// wire; a fractional JSON number is refused like money is, so no rounding happens in transit.
public struct ReceiptQuantity: Sendable, Hashable, Codable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// The quantity as written, e.g. "2" or "0.75".
    public let text: String

    public init(_ text: String) {
        self.text = text
    }

    public init(integerLiteral value: Int) {
        text = String(value)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let integer = try? container.decode(Int.self) {
            text = String(integer)
        } else if let string = try? container.decode(String.self) {
            text = string
        } else {
            throw DecodingError.typeMismatch(
                String.self,
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "a quantity is an integer like 2 or a decimal string like \"0.75\"")
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let integer = Int(text) { try container.encode(integer) } else { try container.encode(text) }
    }

    /// True for exactly one: the receipt then shows no "1 x".
    var isOne: Bool { text == "1" || text == "1.0" || text == "1.00" || text == "1.000" }

    public var description: String { text }
}
