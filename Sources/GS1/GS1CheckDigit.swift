/// The GS1 mod-10 check digit used by EAN-8, UPC-A, EAN-13 and GTIN-14 (and SSCC).
///
/// Weights alternate 3, 1, 3, ... starting from the digit next to the check digit, so the same
/// routine serves every length; that is why it works right-to-left instead of from a fixed start.
/// Only ASCII digits count as digits: a scanner never sends other Unicode digits, and accepting
/// them would let look-alike text pass as a card number.
public enum GS1CheckDigit {
    /// The lengths of the GTIN formats that `isValid(_:)` accepts: EAN-8, UPC-A, EAN-13, GTIN-14.
    public static let gtinLengths: Set<Int> = [8, 12, 13, 14]

    /// The check digit (0...9) for `payload`, the digits *without* their check digit.
    /// Returns nil when `payload` is empty, longer than 17 digits, or not all ASCII digits.
    public static func checkDigit(forPayload payload: some StringProtocol) -> Int? {
        guard let digits = asciiDigits(payload), (1...17).contains(digits.count) else { return nil }
        return checkDigit(forDigits: digits[...])
    }

    /// Whether `code` is a GTIN (8, 12, 13 or 14 ASCII digits) whose last digit is its check digit.
    public static func isValid(_ code: some StringProtocol) -> Bool {
        guard let digits = asciiDigits(code), gtinLengths.contains(digits.count) else { return false }
        return checkDigit(forDigits: digits.dropLast()) == digits[digits.count - 1]
    }

    /// `code` with its check digit appended, for building test data and printed cards.
    public static func appendingCheckDigit(to payload: some StringProtocol) -> String? {
        guard let digit = checkDigit(forPayload: payload) else { return nil }
        return String(payload) + String(digit)
    }

    /// The check digit for `digits` (each 0...9), the payload without its check digit.
    public static func checkDigit(forDigits digits: some BidirectionalCollection<Int>) -> Int {
        var sum = 0
        for (position, digit) in digits.reversed().enumerated() {
            sum += digit * (position.isMultiple(of: 2) ? 3 : 1)
        }
        return (10 - sum % 10) % 10
    }

    static func asciiDigits(_ text: some StringProtocol) -> [Int]? {
        var digits: [Int] = []
        digits.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            guard (0x30...0x39).contains(byte) else { return nil }
            digits.append(Int(byte - 0x30))
        }
        return digits
    }
}
