import GS1

/// A loyalty card number: thirteen digits whose last is the GS1 check digit, so that any
/// scanner, phone wallet or till reads it as an ordinary EAN-13.
public struct CardNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let digits: String

    /// Validates length, digits and check digit; `invalid-card-number` on the wire otherwise.
    public init(_ text: String) throws(RuleViolation) {
        guard text.utf8.count == 13, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw RuleViolation(
                .invalidCardNumber,
                "\(text.isEmpty ? "An empty number" : "\"\(text.prefix(32))\"") is not a card number: a card number has 13 digits."
            )
        }
        guard GS1CheckDigit.isValid(text) else {
            throw RuleViolation(
                .invalidCardNumber, "Card number \(text) has a wrong check digit: scan it again or type it carefully.")
        }
        digits = text
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
