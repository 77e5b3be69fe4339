/// A loyalty card number: thirteen digits whose last is the GS1 check digit, so that any
/// scanner, phone wallet or till reads it as an ordinary EAN-13.
public struct CardNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let digits: String

    /// Validates length, digits and check digit; `invalid-card-number` on the wire otherwise.
    public init(_ text: String) throws(LoyaltyError) {
        guard text.utf8.count == 13, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw LoyaltyError(.invalidCardNumber, "\(text.isEmpty ? "An empty number" : "\"\(text.prefix(32))\"") is not a card number: a card number has 13 digits.")
        }
        let body = text.utf8.dropLast().map { Int($0 - 48) }
        let given = Int(text.utf8.last! - 48)
        guard CardNumber.checkDigit(of: body) == given else {
            throw LoyaltyError(.invalidCardNumber, "Card number \(text) has a wrong check digit: scan it again or type it carefully.")
        }
        digits = text
    }

    /// Builds a number from a prefix and serial, appending the check digit.
    public init(prefix: String, serial: Int64) throws(LoyaltyError) {
        let serialWidth = 12 - prefix.count
        guard serialWidth > 0, serial >= 0 else {
            throw LoyaltyError(.badRequest, "Prefix \(prefix) leaves no room for a serial number.")
        }
        var serialText = String(serial)
        guard serialText.count <= serialWidth else {
            throw LoyaltyError(.badRequest, "The card range \(prefix) is full.")
        }
        serialText = String(repeating: "0", count: serialWidth - serialText.count) + serialText
        let body = (prefix + serialText).utf8.map { Int($0 - 48) }
        try self.init(prefix + serialText + String(CardNumber.checkDigit(of: body)))
    }

    /// GS1 mod-10: weights 3 and 1 alternate from the rightmost body digit.
    public static func checkDigit(of body: [Int]) -> Int {
        var sum = 0
        for (offset, digit) in body.reversed().enumerated() {
            sum += digit * (offset % 2 == 0 ? 3 : 1)
        }
        return (10 - sum % 10) % 10
    }

    public var description: String { digits }
    public static func < (lhs: CardNumber, rhs: CardNumber) -> Bool { lhs.digits < rhs.digits }
}
