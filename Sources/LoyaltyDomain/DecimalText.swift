/// A decimal number read exactly from text: `digits` scaled by 10^-`fractionDigits`.
///
/// Used for money, rates and multipliers alike, so that one parser decides what a valid number
/// looks like everywhere in the program files and on the wire.
public struct DecimalText: Sendable, Hashable {
    public let digits: Int64
    public let fractionDigits: Int

    /// Accepts an optional leading `-`, at least one digit, an optional `.` followed by at most
    /// `maxFractionDigits` digits. No exponent, no grouping, no spaces, at most 15 significant digits.
    public static func parse(_ text: String, maxFractionDigits: Int) -> DecimalText? {
        var bytes = Substring(text).utf8[...]
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
        }
        var value: Int64 = 0
        var seenDigits = 0
        var fraction = -1
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard fraction < 0, seenDigits > 0 else { return nil }
                fraction = 0
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            seenDigits += 1
            if fraction >= 0 { fraction += 1 }
            guard seenDigits <= 15 else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        guard seenDigits > 0, fraction != 0 else { return nil }
        let fractionDigits = max(fraction, 0)
        guard fractionDigits <= maxFractionDigits else { return nil }
        return DecimalText(digits: negative ? -value : value, fractionDigits: fractionDigits)
    }

    /// The value expressed with exactly `digits` fraction digits (`scale` must not be lower).
    public func scaled(to scale: Int) -> Int64 {
        var result = digits
        for _ in fractionDigits..<scale { result *= 10 }
        return result
    }

    public static func format(_ scaledValue: Int64, fractionDigits: Int) -> String {
        let negative = scaledValue < 0
        let magnitude = scaledValue.magnitude
        guard fractionDigits > 0 else { return (negative ? "-" : "") + String(magnitude) }
        var divisor: UInt64 = 1
        for _ in 0..<fractionDigits { divisor *= 10 }
        let whole = magnitude / divisor
        var fraction = String(magnitude % divisor)
        while fraction.count < fractionDigits { fraction = "0" + fraction }
        return (negative ? "-" : "") + "\(whole).\(fraction)"
    }
}

/// A non-negative ratio such as an earning rate (`"0.03"`, 3 %) or a multiplier (`"2"`, `"1.5"`),
/// held in millionths so that products with minor units stay in exact integer arithmetic.
public struct Ratio: Sendable, Hashable, Codable, CustomStringConvertible {
    public static let scale: Int64 = 1_000_000
    public let millionths: Int64

    public static let one = Ratio(millionths: scale)
    public static let zero = Ratio(millionths: 0)

    public init(millionths: Int64) { self.millionths = millionths }

    public init?(_ text: String) {
        guard let value = DecimalText.parse(text, maxFractionDigits: 6), value.digits >= 0,
            value.digits <= 1_000_000_000
        else { return nil }
        millionths = value.scaled(to: 6)
    }

    public var description: String {
        var text = DecimalText.format(millionths, fractionDigits: 6)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let ratio = Ratio(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\"\(text)\" is not a ratio: write it like \"2\" or \"0.03\".")
        }
        self = ratio
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
