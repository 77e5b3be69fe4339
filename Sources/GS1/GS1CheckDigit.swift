/// The GS1 mod-10 check digit used by EAN-8, UPC-A, EAN-13 and GTIN-14 (and SSCC).
///
/// Weights alternate 3, 1, 3, ... starting from the digit next to the check digit, so the same
/// routine serves every length; that is why it works right-to-left instead of from a fixed start.
/// Only ASCII digits count as digits: a scanner never sends other Unicode digits, and accepting
/// them would let look-alike text pass as a card number.
public enum GS1CheckDigit {
    /// The lengths of the GTIN formats that `isValid(_:)` accepts: EAN-8, UPC-A, EAN-13, GTIN-14.
    public static let gtinLengths = [8, 12, 13, 14]

    /// The check digit (0...9) for `payload`, the digits *without* their check digit.
    /// Returns nil when `payload` is empty, longer than 17 digits, or not all ASCII digits.
    @inlinable
    public static func checkDigit(forPayload payload: some StringProtocol) -> Int? {
        let utf8 = payload.utf8
        guard (1...17).contains(utf8.count), let sum = weightedSum(utf8, payloadLength: utf8.count) else { return nil }
        return (10 - sum % 10) % 10
    }

    /// Whether `code` is a GTIN (8, 12, 13 or 14 ASCII digits) whose last digit is its check digit.
    ///
    /// Inlinable and allocation-free: every card scan and every till transaction checks one.
    @inlinable
    public static func isValid(_ code: some StringProtocol) -> Bool {
        let utf8 = code.utf8
        let count = utf8.count
        switch count {
        case 8, 12, 13, 14: break  // gtinLengths, spelled out so the check stays inline
        default: return false
        }
        guard let sum = weightedSum(utf8, payloadLength: count - 1) else { return false }
        let last = utf8[utf8.index(utf8.startIndex, offsetBy: count - 1)]
        return (0x30...0x39).contains(last) && (10 - sum % 10) % 10 == Int(last &- 0x30)
    }

    /// `code` with its check digit appended, for building test data and printed cards.
    public static func appendingCheckDigit(to payload: some StringProtocol) -> String? {
        guard let digit = checkDigit(forPayload: payload) else { return nil }
        return String(payload) + String(digit)
    }

    /// The check digit for `digits` (each 0...9), the payload without its check digit.
    @inlinable
    public static func checkDigit(forDigits digits: some BidirectionalCollection<Int>) -> Int {
        var sum = 0
        for (position, digit) in digits.reversed().enumerated() {
            sum += digit * (position.isMultiple(of: 2) ? 3 : 1)
        }
        return (10 - sum % 10) % 10
    }

    /// The weighted sum of the first `payloadLength` bytes as ASCII digits, weighted 3, 1, 3, ...
    /// from the last of them leftwards; nil when one is not an ASCII digit. Reads left to right,
    /// so a string's UTF-8 view needs no copy.
    @inlinable
    static func weightedSum(_ bytes: some Collection<UInt8>, payloadLength: Int) -> Int? {
        var sum = 0
        var weight = payloadLength % 2 == 1 ? 3 : 1
        for byte in bytes.prefix(payloadLength) {
            guard (0x30...0x39).contains(byte) else { return nil }
            sum += Int(byte &- 0x30) * weight
            weight = 4 - weight
        }
        return sum
    }
}
