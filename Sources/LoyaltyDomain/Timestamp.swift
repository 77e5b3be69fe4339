import Foundation

/// RFC 3339 times in UTC, as the protocol carries them: `2026-11-21T23:05:45Z`.
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))Z"
    }

    /// The years a time may be in. A sale, an activation or a ledger entry outside them is a
    /// till clock or a typing error (year 1, year 9999), not a real event of a running shop.
    public static let years = 2000...2099

    /// The local date of `instant` in `timeZone`, `"2026-11-24"`: a merchant's business day.
    public static func localDate(_ instant: Date, timeZone: TimeZone) -> String {
        LocalTimestamp(instant, timeZone: timeZone).dateText
    }

    /// Accepts `Z` or a numeric offset, with or without fractional seconds; nil for anything
    /// that is not a real time (see `read`).
    public static func parse(_ text: String) -> Date? { try? read(text) }

    /// Reads `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` digit by digit and refuses what is not
    /// a real time: a day the month does not have (30 February), an hour past 23, a leap
    /// second, an offset past ±23:59, a year outside `years`. Foundation's ISO 8601 parser
    /// rolls 30 February over into March and takes +99:99, so it is not used.
    public static func read(_ text: String) throws(RuleViolation) -> Date {
        let bytes = Array(text.utf8)
        func refuse(_ why: String) -> RuleViolation {
            RuleViolation(
                .invalidInput,
                "\"\(text.prefix(40))\" is not a time: \(why); write it like 2026-11-21T14:30:00Z or 2026-11-21T15:30:00+01:00."
            )
        }
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[from..<from + count] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        func at(_ index: Int, _ characters: String) -> Bool {
            index < bytes.count && characters.utf8.contains(bytes[index])
        }
        guard let year = number(0, 4), at(4, "-"), let month = number(5, 2), at(7, "-"), let day = number(8, 2),
            at(10, "Tt"), let hour = number(11, 2), at(13, ":"), let minute = number(14, 2), at(16, ":"),
            let second = number(17, 2)
        else { throw refuse("it does not have the RFC 3339 shape") }
        guard years.contains(year) else {
            throw refuse("the year \(year) is outside \(years.lowerBound) to \(years.upperBound)")
        }
        guard (1...12).contains(month) else { throw refuse("there is no month \(month)") }
        guard (1...daysIn(month: month, year: year)).contains(day) else {
            throw refuse("\(year)-\(month < 10 ? "0" : "")\(month) has no day \(day)")
        }
        guard hour <= 23, minute <= 59, second <= 59 else {
            throw refuse("there is no time \(hour):\(minute):\(second)")
        }
        var index = 19
        var fraction = 0.0
        if at(index, ".") {
            var scale = 0.1
            index += 1
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start, index - start <= 9 else { throw refuse("the fraction of a second has 1 to 9 digits") }
        }
        var offsetSeconds = 0
        if at(index, "Zz") {
            index += 1
        } else if at(index, "+-") {
            let negative = bytes[index] == UInt8(ascii: "-")
            guard let offsetHours = number(index + 1, 2), at(index + 3, ":"), let offsetMinutes = number(index + 4, 2)
            else { throw refuse("the offset must look like +01:00") }
            guard offsetHours <= 23, offsetMinutes <= 59 else {
                throw refuse("the offset must be between -23:59 and +23:59")
            }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (negative ? -1 : 1)
            index += 6
        } else {
            throw refuse("it needs Z or an offset like +01:00")
        }
        guard index == bytes.count else { throw refuse("something follows the time") }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
