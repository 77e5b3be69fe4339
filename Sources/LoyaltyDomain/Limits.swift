/// The largest values a request and a balance may carry, in one place, so that the program
/// check (`EarningRules`), the wire checks (LoyalgateProtocol) and the ledger (LoyaltyStore)
/// bound the same numbers. Documented in docs/protocol.md ("Limits").
public enum Limits {
    /// Lines on one receipt: one request cannot hold the single writer for long.
    public static let receiptLines = 1_000

    /// The largest single line amount, in minor units: ten million in major units for a
    /// two-digit currency.
    public static let lineMinorUnits: Int64 = 1_000_000_000

    /// The largest receipt total a request can carry: every line at the maximum.
    public static var receiptMinorUnits: Int64 { Int64(receiptLines) * lineMinorUnits }

    /// The most a balance may hold, in points and in minor units: 2^53 - 1, the largest integer
    /// every JSON reader (JavaScript's numbers included) reads exactly. A program whose largest
    /// receipt would earn more is refused by `program check`; an earn, pool or transfer that
    /// would take a balance past it is refused with `out-of-range`.
    public static let balance: Int64 = 9_007_199_254_740_991

    /// `value + delta` when it stays within 0 and `balance`; nil otherwise (overflow included).
    public static func moved(_ value: Int64, by delta: Int64) -> Int64? {
        let (sum, overflow) = value.addingReportingOverflow(delta)
        guard !overflow, sum >= 0, sum <= balance else { return nil }
        return sum
    }

    /// Text for the messages: `9,007,199,254,740,991`.
    public static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return (value < 0 ? "-" : "") + result
    }
}
