import Foundation

/// Money and dates as the shop's staff read them: the merchant's currency in the language's
/// conventions, instants in the merchant's time zone. Amounts arrive from the core as decimal
/// strings ("1234.50", "-2.00") and are never turned into floating point: the digits are only
/// regrouped, so what the page shows is exactly what the ledger holds.
public struct MoneyText: Sendable {
    public let language: Language
    public let timeZone: TimeZone

    public init(language: Language, timeZone: TimeZone) {
        self.language = language
        self.timeZone = timeZone
    }

    private static let symbols: [String: String] = [
        "EUR": "€", "USD": "$", "GBP": "£", "NOK": "kr", "SEK": "kr", "DKK": "kr", "BGN": "лв.", "CHF": "CHF",
    ]

    /// "1234.50" in EUR: en "€1,234.50", nl "€ 1.234,50", de "1.234,50 €", nb "1 234,50 kr",
    /// bg "1 234,50 лв.". A string that is not a decimal number is shown as it came.
    public func amount(_ decimal: String, currency: String) -> String {
        var digits = Substring(decimal)
        var negative = false
        if digits.first == "-" {
            negative = true
            digits = digits.dropFirst()
        }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
            parts.allSatisfy({ $0.allSatisfy(\.isNumber) })
        else { return decimal }
        let (group, point): (String, String) =
            switch language {
            case .english: (",", ".")
            case .dutch, .german: (".", ",")
            case .norwegian, .bulgarian: ("\u{00A0}", ",")
            }
        var integer = ""
        for (index, digit) in parts[0].reversed().enumerated() {
            if index > 0, index % 3 == 0 { integer.insert(contentsOf: group, at: integer.startIndex) }
            integer.insert(digit, at: integer.startIndex)
        }
        let number = parts.count == 2 && !parts[1].isEmpty ? integer + point + parts[1] : integer
        let symbol = Self.symbols[currency] ?? currency
        let sign = negative ? "-" : ""
        switch language {
        case .english: return "\(sign)\(symbol)\(number)"
        case .dutch: return "\(symbol)\u{00A0}\(sign)\(number)"
        case .german, .norwegian, .bulgarian: return "\(sign)\(number)\u{00A0}\(symbol)"
        }
    }

    /// An RFC 3339 instant from the core in the merchant's time zone: nl "30-04-2026 14:05",
    /// de "30.04.2026 14:05", en "2026-04-30 14:05". Shown as it came when it does not parse.
    public func instant(_ text: String) -> String {
        guard let date = Self.parse(text) else { return text }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let (year, month, day, hour, minute) = (
            parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0
        )
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let time = "\(two(hour)):\(two(minute))"
        switch language {
        case .english: return "\(year)-\(two(month))-\(two(day)) \(time)"
        case .dutch: return "\(two(day))-\(two(month))-\(year) \(time)"
        case .german, .norwegian, .bulgarian: return "\(two(day)).\(two(month)).\(year) \(time)"
        }
    }

    private static func parse(_ text: String) -> Date? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withFraction.date(from: text) { return date }
        return ISO8601DateFormatter().date(from: text)
    }
}
