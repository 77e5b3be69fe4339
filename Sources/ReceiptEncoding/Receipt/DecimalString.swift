/// Checks and prints the decimal strings the protocol uses for money ("12.50").
///
/// Money never becomes a `Double` here: it is printed as the till sent it, only with the
/// decimal separator of the receipt's language. The rule matches loyalgate's wire format: an
/// optional "-", digits, optionally "." and 1 to 3 digits (3 for currencies such as BHD); no
/// exponent, grouping, "+" or spaces; at most 15 digits in all.
enum DecimalString {
    static func isValid(_ text: String, maxFractionDigits: Int = 3) -> Bool {
        var bytes = Array(text.utf8)
        if bytes.first == UInt8(ascii: "-") { bytes.removeFirst() }
        let parts = bytes.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty else { return false }
        let fraction = parts.count == 2 ? parts[1] : []
        if parts.count == 2, fraction.isEmpty || fraction.count > maxFractionDigits { return false }
        let isDigit: (UInt8) -> Bool = { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        return whole.allSatisfy(isDigit) && fraction.allSatisfy(isDigit) && whole.count + fraction.count <= 15
    }

    /// `text` with its "." replaced by `separator` ("12.50" → "12,50").
    static func format(_ text: String, separator: Character) -> String {
        String(text.map { $0 == "." ? separator : $0 })
    }
}
