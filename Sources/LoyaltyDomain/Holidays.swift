/// A day of the Gregorian calendar, without a time or zone: a public holiday.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    public init(_ year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil), for adding days exactly.
    var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public func adding(days: Int) -> CalendarDate { CalendarDate(dayNumber: dayNumber + days) }

    /// 1 for Sunday to 7 for Saturday, as Foundation's `weekday`.
    public var weekday: Int { ((dayNumber % 7 + 7) % 7 + 4) % 7 + 1 }

    public var isWeekend: Bool { weekday == 1 || weekday == 7 }

    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool { lhs.dayNumber < rhs.dayNumber }

    /// Easter Sunday of the Western churches: the Gregorian computus (the anonymous algorithm
    /// published in Nature, 1876, as given by Meeus, "Astronomical Algorithms", ch. 8).
    public static func easter(_ year: Int) -> CalendarDate {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return CalendarDate(year, month, day)
    }

    /// Easter Sunday of the Orthodox churches (Bulgaria): the Julian computus (Meeus, ch. 8),
    /// converted to the Gregorian calendar, which runs 13 days ahead of the Julian from
    /// 1 March 1900 to 28 February 2100 (program dates are limited to 2000-2099).
    public static func orthodoxEaster(_ year: Int) -> CalendarDate {
        let a = year % 4, b = year % 7, c = year % 19
        let d = (19 * c + 15) % 30
        let e = (2 * a + 4 * b - d + 34) % 7
        let month = (d + e + 114) / 31
        let day = (d + e + 114) % 31 + 1
        return CalendarDate(year, month, day).adding(days: 13)
    }
}

/// The national public holidays of the countries loyalgate's shops are in, computed per year,
/// so a program names its country (`"closed": {"holidays": "BE"}`) instead of typing dates.
///
/// Sources, as each country defines its holidays:
/// - BE: the ten legal public holidays (arrêté royal du 18 avril 1974 / koninklijk besluit van
///   18 april 1974): New Year, Easter Monday, 1 May, Ascension, Whit Monday, 21 July, 15 August,
///   1 November, 11 November, Christmas. The replacement day an employer gives for a holiday on
///   a Sunday is a day off for staff, not a closed day for the shop: not included.
/// - NL: the Algemene termijnenwet, art. 3(1): New Year, Easter Monday, Whit Monday, Christmas
///   Day and Boxing Day, Ascension, the day the King's birthday is celebrated (King's Day,
///   27 April, 26 April when the 27th is a Sunday; before 2014 Queen's Day, 30 April, 29 April
///   when a Sunday) and 5 May; with Easter Sunday and Whit Sunday, which the government lists
///   among the public holidays too (Sundays in any case). Good Friday, which art. 3(2) treats as
///   a holiday only for legal time limits, is not included.
/// - DE: the nationwide holidays only (each Land adds its own; type those as dates): New Year,
///   Good Friday, Easter Monday, 1 May, Ascension, Whit Monday, 3 October (Einigungsvertrag
///   art. 2), Christmas Day and the second Christmas day; 31 October 2017 (the Reformation's
///   500th anniversary) was nationwide once.
/// - NO: lov om helligdager og helligdagsfred (1995) and lov om 1. og 17. mai som høgtidsdager
///   (1947): New Year, Maundy Thursday, Good Friday, Easter Sunday and Monday, 1 May, 17 May,
///   Ascension, Whit Sunday and Monday, Christmas Day and Boxing Day.
/// - BG: Labour Code (Кодекс на труда) art. 154(1): 1 January, 3 March, 1 May, 6 May, 24 May,
///   6 September, 22 September, 24, 25 and 26 December, and Good Friday, Holy Saturday, Easter
///   Sunday and Monday after the Orthodox Easter. Art. 154(2): a holiday other than Easter that
///   falls on a Saturday or Sunday makes the first working day after it a day off (one per
///   such holiday: 25 and 26 December on a weekend give the next two working days), in force
///   since 2017 (the amendment of December 2016; 2017's days off were 2 January, 8 May and
///   27 December); earlier years get no days in lieu. Working days the Council of Ministers
///   moves by decree in a given year are not rules: type them as dates.
public enum HolidayCalendar: String, Sendable, CaseIterable {
    case belgium = "BE"
    case netherlands = "NL"
    case germany = "DE"
    case norway = "NO"
    case bulgaria = "BG"

    public struct Holiday: Sendable, Hashable {
        public let date: CalendarDate
        public let name: String
    }

    /// The holidays of `year`, in date order.
    public func holidays(_ year: Int) -> [Holiday] {
        func on(_ month: Int, _ day: Int, _ name: String) -> Holiday {
            Holiday(date: CalendarDate(year, month, day), name: name)
        }
        let easter = CalendarDate.easter(year)
        func easterPlus(_ days: Int, _ name: String) -> Holiday {
            Holiday(date: easter.adding(days: days), name: name)
        }
        let days: [Holiday]
        switch self {
        case .belgium:
            days = [
                on(1, 1, "New Year's Day"), easterPlus(1, "Easter Monday"), on(5, 1, "Labour Day"),
                easterPlus(39, "Ascension Day"), easterPlus(50, "Whit Monday"), on(7, 21, "National Day"),
                on(8, 15, "Assumption Day"), on(11, 1, "All Saints' Day"), on(11, 11, "Armistice Day"),
                on(12, 25, "Christmas Day"),
            ]
        case .netherlands:
            let kings =
                year >= 2014
                ? CalendarDate(year, 4, 27) : CalendarDate(year, 4, 30)
            days = [
                on(1, 1, "New Year's Day"), easterPlus(0, "Easter Sunday"), easterPlus(1, "Easter Monday"),
                Holiday(
                    date: kings.weekday == 1 ? kings.adding(days: -1) : kings,
                    name: year >= 2014 ? "King's Day" : "Queen's Day"),
                on(5, 5, "Liberation Day"), easterPlus(39, "Ascension Day"), easterPlus(49, "Whit Sunday"),
                easterPlus(50, "Whit Monday"), on(12, 25, "Christmas Day"), on(12, 26, "Boxing Day"),
            ]
        case .germany:
            days =
                [
                    on(1, 1, "New Year's Day"), easterPlus(-2, "Good Friday"), easterPlus(1, "Easter Monday"),
                    on(5, 1, "Labour Day"), easterPlus(39, "Ascension Day"), easterPlus(50, "Whit Monday"),
                    on(10, 3, "German Unity Day"), on(12, 25, "Christmas Day"), on(12, 26, "Second Christmas Day"),
                ] + (year == 2017 ? [on(10, 31, "Reformation Day")] : [])
        case .norway:
            days = [
                on(1, 1, "New Year's Day"), easterPlus(-3, "Maundy Thursday"), easterPlus(-2, "Good Friday"),
                easterPlus(0, "Easter Sunday"), easterPlus(1, "Easter Monday"), on(5, 1, "Labour Day"),
                on(5, 17, "Constitution Day"), easterPlus(39, "Ascension Day"), easterPlus(49, "Whit Sunday"),
                easterPlus(50, "Whit Monday"), on(12, 25, "Christmas Day"), on(12, 26, "Boxing Day"),
            ]
        case .bulgaria:
            let fixed = [
                on(1, 1, "New Year's Day"), on(3, 3, "Liberation Day"), on(5, 1, "Labour Day"),
                on(5, 6, "St George's Day"), on(5, 24, "Day of Bulgarian Education and Culture"),
                on(9, 6, "Unification Day"), on(9, 22, "Independence Day"), on(12, 24, "Christmas Eve"),
                on(12, 25, "Christmas Day"), on(12, 26, "Christmas Day"),
            ]
            let orthodox = CalendarDate.orthodoxEaster(year)
            let easterDays = [
                Holiday(date: orthodox.adding(days: -2), name: "Good Friday"),
                Holiday(date: orthodox.adding(days: -1), name: "Holy Saturday"),
                Holiday(date: orthodox, name: "Easter Sunday"),
                Holiday(date: orthodox.adding(days: 1), name: "Easter Monday"),
            ]
            var taken = Set((fixed + easterDays).map(\.date))
            var moved: [Holiday] = []
            for holiday in fixed where year >= 2017 && holiday.date.isWeekend {
                var day = holiday.date.adding(days: 1)
                while day.isWeekend || taken.contains(day) { day = day.adding(days: 1) }
                taken.insert(day)
                moved.append(Holiday(date: day, name: "\(holiday.name) (day off in lieu)"))
            }
            days = fixed + easterDays + moved
        }
        return days.sorted { $0.date < $1.date }
    }

    /// The holiday on `date`, if any.
    public func holiday(on date: CalendarDate) -> Holiday? {
        holidays(date.year).first { $0.date == date }
    }
}
