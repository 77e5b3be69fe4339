import Foundation

/// When the card is not valid (it earns and spends nothing), read in the merchant's own time
/// zone: weekdays, public holidays (a country's calendar, `HolidayCalendar`, or typed dates), a
/// daily closing time, and one-off periods such as a pharmacy's on-duty night service.
///
/// Times are local wall-clock times, so 19:00 stays 19:00 on both sides of a daylight-saving
/// change; the UTC instant of a sale is converted with the zone's rules at that instant.
public struct ClosedHours: Sendable, Hashable, Codable {
    /// Lower-case English weekday names: `"sunday"`.
    public var weekdays: [String]?
    /// Public holidays: a country's calendar (`"BE"`), local dates (`["2026-12-25"]`), or
    /// both (`["DE", "2026-08-15"]`).
    public var holidays: Holidays?
    /// Local time `"19:00"` from which the rest of each day is closed.
    public var after: String?
    /// Local time `"08:00"` before which each day is closed.
    public var before: String?
    /// One-off closed periods in local time, `from` inclusive, `until` exclusive.
    public var periods: [Period]?
    /// An on-duty roster file (`DutyRoster`), relative to the program file: read by
    /// `ProgramFile.read(contentsOf:)` into `periods`, so a stored program never names it.
    public var dutyRoster: String?

    public struct Period: Sendable, Hashable, Codable {
        /// `"2026-11-21T19:00"`, local.
        public var from: String
        public var until: String
        public var reason: String?

        public init(from: String, until: String, reason: String? = nil) {
            self.from = from
            self.until = until
            self.reason = reason
        }
    }

    public init(
        weekdays: [String]? = nil, holidays: Holidays? = nil, after: String? = nil,
        before: String? = nil, periods: [Period]? = nil
    ) {
        self.weekdays = weekdays
        self.holidays = holidays
        self.after = after
        self.before = before
        self.periods = periods
    }

    static let weekdayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    /// Checks every field once, so that a bad program file is refused on import rather than on
    /// the first sale of a Sunday.
    public func validate() throws(ProgramError) {
        if let dutyRoster {
            throw ProgramError(
                "closed.dutyRoster: \"\(dutyRoster)\" is read when the program file itself is read (loyalgate program import or check FILE)."
            )
        }
        if (periods?.count ?? 0) > DutyRoster.maximumPeriods {
            throw ProgramError("closed.periods: at most \(DutyRoster.maximumPeriods) periods, roster included.")
        }
        for day in weekdays ?? [] where !ClosedHours.weekdayNames.contains(day) {
            throw ProgramError(
                "closed.weekdays: \"\(day)\" is not a weekday; use one of \(ClosedHours.weekdayNames.joined(separator: ", "))."
            )
        }
        for entry in holidays?.entries ?? []
        where LocalTimestamp(date: entry) == nil && HolidayCalendar(rawValue: entry) == nil {
            throw ProgramError(
                "closed.holidays: \"\(entry)\" is neither a date like 2026-12-25 nor a holiday calendar (\(HolidayCalendar.allCases.map(\.rawValue).joined(separator: ", ")))."
            )
        }
        for (name, time) in [("after", after), ("before", before)] {
            if let time, LocalTimestamp.minuteOfDay(time) == nil {
                throw ProgramError("closed.\(name): \"\(time)\" is not a time like 19:00.")
            }
        }
        for period in periods ?? [] {
            guard let from = LocalTimestamp(dateTime: period.from), let until = LocalTimestamp(dateTime: period.until)
            else {
                throw ProgramError(
                    "closed.periods: \"\(period.from)\" to \"\(period.until)\" needs times like 2026-11-21T19:00.")
            }
            guard from < until else {
                throw ProgramError("closed.periods: \(period.from) is not before \(period.until).")
            }
        }
    }

    /// Why the program is closed at `instant`, or nil when it is open.
    public func closedReason(at instant: Date, timeZone: TimeZone) -> String? {
        let local = LocalTimestamp(instant, timeZone: timeZone)
        if let weekdays, weekdays.contains(ClosedHours.weekdayNames[local.weekday - 1]) {
            return "the card is not valid on \(ClosedHours.weekdayNames[local.weekday - 1].capitalized)s"
        }
        if let holidays {
            if holidays.entries.contains(local.dateText) {
                return "the card is not valid on public holidays"
            }
            let date = CalendarDate(local.year, local.month, local.day)
            for calendar in holidays.calendars {
                if let holiday = calendar.holiday(on: date) {
                    return "the card is not valid on public holidays (\(holiday.name))"
                }
            }
        }
        if let after, let limit = LocalTimestamp.minuteOfDay(after), local.minuteOfDay >= limit {
            return "the card is not valid after \(after)"
        }
        if let before, let limit = LocalTimestamp.minuteOfDay(before), local.minuteOfDay < limit {
            return "the card is not valid before \(before)"
        }
        for period in periods ?? [] {
            guard let from = LocalTimestamp(dateTime: period.from), let until = LocalTimestamp(dateTime: period.until)
            else { continue }
            if from <= local, local < until {
                return "the card is not valid during \(period.reason ?? "a closed period")"
            }
        }
        return nil
    }
}

/// `closed.holidays`: one calendar code or date as a string, or a list of them. Written back in
/// the form it was read in, so a stored program reads as its file did.
public struct Holidays: Sendable, Hashable, Codable, ExpressibleByArrayLiteral, ExpressibleByStringLiteral {
    public var entries: [String]
    var single: Bool

    public init(_ entries: [String]) {
        self.entries = entries
        single = false
    }

    public init(arrayLiteral elements: String...) { self.init(elements) }

    public init(stringLiteral value: String) {
        entries = [value]
        single = true
    }

    /// The countries' calendars named.
    public var calendars: [HolidayCalendar] { entries.compactMap(HolidayCalendar.init(rawValue:)) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(String.self) {
            self.init(stringLiteral: one)
        } else {
            self.init(try container.decode([String].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if single, entries.count == 1 { try container.encode(entries[0]) } else { try container.encode(entries) }
    }
}

public struct ProgramError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A wall-clock reading in one time zone, compared field by field (year, month, day, minute).
struct LocalTimestamp: Comparable {
    var year: Int, month: Int, day: Int, minuteOfDay: Int
    var weekday: Int = 1

    init(_ instant: Date, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: instant)
        year = parts.year!
        month = parts.month!
        day = parts.day!
        minuteOfDay = parts.hour! * 60 + parts.minute!
        weekday = parts.weekday!
    }

    init?(date text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            // A real date only: a holiday on 30 February would silently never apply.
            Timestamp.years.contains(y), (1...12).contains(m), (1...Timestamp.daysIn(month: m, year: y)).contains(d)
        else { return nil }
        year = y
        month = m
        day = d
        minuteOfDay = 0
    }

    init?(dateTime text: String) {
        let parts = text.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count == 2, let date = LocalTimestamp(date: String(parts[0])),
            let minute = LocalTimestamp.minuteOfDay(String(parts[1]))
        else { return nil }
        self = date
        minuteOfDay = minute
    }

    static func minuteOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0..<60).contains(m),
            h * 60 + m <= 24 * 60
        else { return nil }
        return h * 60 + m
    }

    var dateText: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    static func < (lhs: LocalTimestamp, rhs: LocalTimestamp) -> Bool {
        (lhs.year, lhs.month, lhs.day, lhs.minuteOfDay) < (rhs.year, rhs.month, rhs.day, rhs.minuteOfDay)
    }

    static func == (lhs: LocalTimestamp, rhs: LocalTimestamp) -> Bool {
        (lhs.year, lhs.month, lhs.day, lhs.minuteOfDay) == (rhs.year, rhs.month, rhs.day, rhs.minuteOfDay)
    }
}

/// An on-duty roster: the nights and days a pharmacy serves on duty, when (Belgian regulation,
/// article 15) the card is not valid. A text file in UTF-8, one period per line in the
/// merchant's local time, `from,until[,reason]`:
///
///     # on-duty service 2026
///     from,until,reason
///     2026-11-27T19:00,2026-11-28T09:00,the on-duty night service
///
/// Blank lines and lines starting with `#` are skipped, and so is a header line `from,until...`.
/// The reason may hold commas; it is "the on-duty service" when absent.
public enum DutyRoster {
    /// A year of nightly duty fits; every sale looks at each period.
    public static let maximumPeriods = 5_000

    public static func periods(_ text: String, file: String) throws(ProgramError) -> [ClosedHours.Period] {
        var periods: [ClosedHours.Period] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") || line.lowercased().hasPrefix("from,") { continue }
            let fields = line.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard fields.count >= 2, let from = LocalTimestamp(dateTime: fields[0]),
                let until = LocalTimestamp(dateTime: fields[1])
            else {
                throw ProgramError(
                    "\(file) line \(index + 1): \"\(line.prefix(80))\" is not from,until[,reason] with times like 2026-11-27T19:00."
                )
            }
            guard from < until else {
                throw ProgramError("\(file) line \(index + 1): \(fields[0]) is not before \(fields[1]).")
            }
            let reason = fields.count > 2 && !fields[2].isEmpty ? fields[2] : "the on-duty service"
            guard reason.unicodeScalars.count <= 200 else {
                throw ProgramError("\(file) line \(index + 1): the reason is longer than 200 characters.")
            }
            periods.append(ClosedHours.Period(from: fields[0], until: fields[1], reason: reason))
            guard periods.count <= maximumPeriods else {
                throw ProgramError("\(file): more than \(maximumPeriods) periods.")
            }
        }
        return periods
    }
}
