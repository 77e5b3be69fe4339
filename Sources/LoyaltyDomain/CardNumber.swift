import GS1

/// A loyalty card number: thirteen digits whose last is the GS1 check digit, so that any
/// scanner, phone wallet or till reads it as an ordinary EAN-13.
public struct CardNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let digits: String

    /// Validates length, digits and check digit; `invalid-card-number` on the wire otherwise.
    /// A number typed as printed on the card, in groups separated by spaces or dashes
    /// ("2990 0010 0001 8", "2990-0010-0001-8"), is the same number: every op and CLI command
    /// parses card numbers here, so all of them accept it. Any other character is refused.
    public init(_ typed: String) throws(RuleViolation) {
        let text = CardNumber.withoutSeparators(typed)
        guard text.utf8.count == 13, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw RuleViolation(
                .invalidCardNumber,
                "\(typed.isEmpty ? "An empty number" : "\"\(typed.prefix(32))\"") is not a card number: a card number has 13 digits."
            )
        }
        guard GS1CheckDigit.isValid(text) else {
            throw RuleViolation(
                .invalidCardNumber, "Card number \(text) has a wrong check digit: scan it again or type it carefully.")
        }
        digits = text
    }

    /// The text without the spaces (U+0020) and dashes (U+002D) printed between digit groups.
    /// Only when it has any: an ordinary number is passed through untouched.
    static func withoutSeparators(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x20 || $0 == 0x2D }), text.utf8.count <= 64 else { return text }
        return String(decoding: text.utf8.filter { $0 != 0x20 && $0 != 0x2D }, as: UTF8.self)
    }

    /// Builds a number from a prefix and serial, appending the check digit.
    public init(prefix: String, serial: Int64) throws(RuleViolation) {
        let serialWidth = 12 - prefix.count
        guard serialWidth > 0, serial >= 0 else {
            throw RuleViolation(.invalidInput, "Prefix \(prefix) leaves no room for a serial number.")
        }
        var serialText = String(serial)
        guard serialText.count <= serialWidth else {
            throw RuleViolation(.invalidInput, "The card range \(prefix) is full.")
        }
        serialText = String(repeating: "0", count: serialWidth - serialText.count) + serialText
        guard let number = GS1CheckDigit.appendingCheckDigit(to: prefix + serialText) else {
            throw RuleViolation(.invalidInput, "The card range \(prefix) is not made of digits.")
        }
        try self.init(number)
    }

    public var description: String { digits }
    public static func < (lhs: CardNumber, rhs: CardNumber) -> Bool { lhs.digits < rhs.digits }
}
