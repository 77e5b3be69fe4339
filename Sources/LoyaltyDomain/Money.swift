/// An amount of money held as an integer count of the currency's minor units (cents, stotinki).
///
/// Money never passes through `Double`: on the wire it is a decimal string such as `"12.50"`,
/// parsed digit by digit into minor units, and printed back the same way.
public struct Money: Sendable, Hashable, Comparable, Codable {
    public var minorUnits: Int64
    public var currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public static func zero(_ currency: Currency) -> Money { Money(minorUnits: 0, currency: currency) }

    /// Parses `"12.50"`, `"12.5"`, `"12"` or `"-3.10"`. More fraction digits than the currency has
    /// is an error rather than a silent rounding: a till that sends `"1.005"` euro has a bug.
    public init(parsing text: String, currency: Currency) throws(MoneyError) {
        guard let value = DecimalText.parse(text, maxFractionDigits: currency.minorDigits) else {
            throw MoneyError.notAnAmount(text, currency)
        }
        self.init(minorUnits: value.scaled(to: currency.minorDigits), currency: currency)
    }

    /// The wire form: always exactly the currency's minor digits, `"12.50"`.
    public var decimalString: String {
        DecimalText.format(minorUnits, fractionDigits: currency.minorDigits)
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.minorUnits < rhs.minorUnits }
}

public enum MoneyError: Error, Equatable, CustomStringConvertible {
    case notAnAmount(String, Currency)

    public var description: String {
        switch self {
        case .notAnAmount(let text, let currency):
            return
                "\"\(text)\" is not an amount in \(currency.code): write it like \"12.50\" with at most \(currency.minorDigits) decimals."
        }
    }
}

/// An ISO 4217 currency with the number of minor digits its amounts carry.
public struct Currency: Sendable, Hashable, Codable, CustomStringConvertible {
    public let code: String
    public let minorDigits: Int

    public init(code: String, minorDigits: Int) {
        self.code = code
        self.minorDigits = minorDigits
    }

    /// Currencies whose minor digits differ from two are listed; any other three-letter code has two.
    public init?(code: String) {
        let upper = code.uppercased()
        guard upper.count == 3, upper.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        let zeroDigit: Set<String> = ["JPY", "KRW", "ISK", "CLP", "VND", "XAF", "XOF", "HUF"]
        let threeDigit: Set<String> = ["BHD", "KWD", "OMR", "JOD", "TND", "LYD", "IQD"]
        let digits = zeroDigit.contains(upper) ? 0 : threeDigit.contains(upper) ? 3 : 2
        self.init(code: upper, minorDigits: digits)
    }

    public var description: String { code }
}
