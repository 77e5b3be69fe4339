import Foundation
import LoyaltyDomain
import Testing

/// The national holiday calendars against dates the countries published.
@Suite struct HolidayCalendarTests {
    func dates(_ calendar: HolidayCalendar, _ year: Int) -> [String] { calendar.holidays(year).map(\.date.description) }

    @Test func westernEasterByTheGregorianComputus() {
        let known = [
            2000: "2000-04-23", 2008: "2008-03-23", 2011: "2011-04-24", 2019: "2019-04-21", 2024: "2024-03-31",
            2025: "2025-04-20", 2026: "2026-04-05", 2038: "2038-04-25",
        ]
        for (year, date) in known { #expect(CalendarDate.easter(year).description == date) }
    }

    @Test func orthodoxEasterByTheJulianComputusInGregorianDates() {
        let known = [
            2010: "2010-04-04", 2021: "2021-05-02", 2023: "2023-04-16", 2024: "2024-05-05", 2025: "2025-04-20",
            2026: "2026-04-12",
        ]
        for (year, date) in known { #expect(CalendarDate.orthodoxEaster(year).description == date) }
    }

    @Test func belgiumHasItsTenLegalHolidays() {
        #expect(
            dates(.belgium, 2026) == [
                "2026-01-01", "2026-04-06", "2026-05-01", "2026-05-14", "2026-05-25", "2026-07-21", "2026-08-15",
                "2026-11-01", "2026-11-11", "2026-12-25",
            ])
        #expect(HolidayCalendar.belgium.holiday(on: CalendarDate(2026, 5, 25))?.name == "Whit Monday")
    }

    @Test func kingsDayMovesToSaturdayWhenTheTwentySeventhIsASunday() {
        #expect(dates(.netherlands, 2026).contains("2026-04-27"))
        // 27 April 2025 and 2031 are Sundays.
        #expect(dates(.netherlands, 2025).contains("2025-04-26") && !dates(.netherlands, 2025).contains("2025-04-27"))
        #expect(dates(.netherlands, 2031).contains("2031-04-26"))
        // Queen's Day before 2014: 30 April, 29 April when that was a Sunday (2006).
        #expect(dates(.netherlands, 2006).contains("2006-04-29"))
        #expect(dates(.netherlands, 2013).contains("2013-04-30"))
        #expect(
            dates(.netherlands, 2026) == [
                "2026-01-01", "2026-04-05", "2026-04-06", "2026-04-27", "2026-05-05", "2026-05-14", "2026-05-24",
                "2026-05-25", "2026-12-25", "2026-12-26",
            ])
    }

    @Test func germanyHasItsNationwideHolidays() {
        #expect(
            dates(.germany, 2026) == [
                "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-01", "2026-05-14", "2026-05-25", "2026-10-03",
                "2026-12-25", "2026-12-26",
            ])
        #expect(dates(.germany, 2017).contains("2017-10-31"))
        #expect(!dates(.germany, 2026).contains("2026-10-31"))
    }

    @Test func norwayHasMaundyThursdayAndConstitutionDay() {
        #expect(
            dates(.norway, 2026) == [
                "2026-01-01", "2026-04-02", "2026-04-03", "2026-04-05", "2026-04-06", "2026-05-01", "2026-05-14",
                "2026-05-17", "2026-05-24", "2026-05-25", "2026-12-25", "2026-12-26",
            ])
    }

    @Test func bulgariaFollowsTheOrthodoxEasterAndMovesWeekendHolidaysToTheNextWorkingDay() {
        let year2026 = dates(.bulgaria, 2026)
        // Orthodox Easter 12 April 2026: Good Friday to Easter Monday.
        for day in ["2026-04-10", "2026-04-11", "2026-04-12", "2026-04-13"] { #expect(year2026.contains(day)) }
        #expect(!year2026.contains("2026-04-06"))
        // 24 May 2026 is a Sunday: Monday 25 May is the day off in lieu (Labour Code art. 154(2)).
        #expect(year2026.contains("2026-05-24") && year2026.contains("2026-05-25"))
        // 3 March 2026 is a Tuesday: nothing moves.
        #expect(!year2026.contains("2026-03-04"))
        // Christmas 2021: 25 and 26 December a Saturday and Sunday, so 27 and 28 December off.
        #expect(dates(.bulgaria, 2021).contains("2021-12-27") && dates(.bulgaria, 2021).contains("2021-12-28"))
        // 2017, the first year of the rule: 1 January and 24 December on a Sunday, 6 May on a
        // Saturday gave 2 January, 8 May and 27 December (25 and 26 December are holidays).
        let year2017 = dates(.bulgaria, 2017)
        for day in ["2017-01-02", "2017-05-08", "2017-12-27"] { #expect(year2017.contains(day)) }
        #expect(year2017.count == 17)
        // Before the rule no day moved (25 December 2016 was a Sunday).
        #expect(!dates(.bulgaria, 2016).contains("2016-12-27"))
        // New Year 2022 on a Saturday: Monday 3 January off.
        #expect(dates(.bulgaria, 2022).contains("2022-01-03"))
        // 6 September and 26 December 2026 are a Sunday and a Saturday: 7 and 28 December off.
        #expect(year2026.contains("2026-09-07") && year2026.contains("2026-12-28"))
        // Holy Saturday is always a Saturday and never moves (Easter is excepted): 10 fixed,
        // 4 Easter days, 3 days in lieu.
        #expect(year2026.count == 17)
    }

    @Test func weekdaysAndDayArithmeticCrossMonthsAndLeapYears() {
        #expect(CalendarDate(2026, 11, 29).weekday == 1)
        #expect(CalendarDate(2024, 2, 28).adding(days: 1) == CalendarDate(2024, 2, 29))
        #expect(CalendarDate(2026, 12, 31).adding(days: 1) == CalendarDate(2027, 1, 1))
        #expect(CalendarDate(2000, 3, 1).adding(days: -1) == CalendarDate(2000, 2, 29))
    }
}

/// `closed.holidays` naming a country, and on-duty rosters read from a file.
@Suite struct HolidaySpecTests {
    let brussels = TimeZone(identifier: "Europe/Brussels")!
    func utc(_ text: String) -> Date { Timestamp.parse(text)! }

    @Test func aCountryCodeClosesItsHolidaysInEveryYear() throws {
        let closed = try JSONDecoder().decode(ClosedHours.self, from: Data(#"{"holidays":"BE"}"#.utf8))
        try closed.validate()
        // Whit Monday 2026 and 2027 (17 May), in Brussels time.
        #expect(
            closed.closedReason(at: utc("2026-05-25T10:00:00Z"), timeZone: brussels)?.contains("Whit Monday") == true)
        #expect(closed.closedReason(at: utc("2027-05-17T10:00:00Z"), timeZone: brussels) != nil)
        #expect(closed.closedReason(at: utc("2026-05-26T10:00:00Z"), timeZone: brussels) == nil)
        // Written back as it was read.
        #expect(String(decoding: try JSONEncoder().encode(closed), as: UTF8.self) == #"{"holidays":"BE"}"#)
    }

    @Test func aCountryAndTypedDatesTogether() throws {
        let closed = try JSONDecoder().decode(
            ClosedHours.self, from: Data(#"{"holidays":["DE","2026-08-15"]}"#.utf8))
        try closed.validate()
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        #expect(closed.closedReason(at: utc("2026-10-03T10:00:00Z"), timeZone: berlin) != nil)
        #expect(closed.closedReason(at: utc("2026-08-15T10:00:00Z"), timeZone: berlin) != nil)
        #expect(closed.closedReason(at: utc("2026-08-14T10:00:00Z"), timeZone: berlin) == nil)
    }

    @Test func anUnknownCalendarIsRefusedNamingTheField() {
        let closed = ClosedHours(holidays: "FR")
        #expect(throws: ProgramError.self) { try closed.validate() }
        do { try closed.validate() } catch { #expect(error.message.contains("closed.holidays")) }
    }

    @Test func anOnDutyRosterFileIsReadIntoThePeriods() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("roster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
        # on-duty service, Pharmacie du Parc
        from,until,reason
        2026-12-04T19:00,2026-12-05T09:00,the on-duty night service, zone 3

        2026-12-11T19:00,2026-12-12T09:00
        """.write(to: folder.appendingPathComponent("duty.csv"), atomically: true, encoding: .utf8)
        try #"""
        {"merchant":{"code":"p","name":"P","currency":"EUR","timeZone":"Europe/Brussels"},
         "program":{"discount":{"rates":{},"defaultRate":"0.02"},"closed":{"holidays":"BE","dutyRoster":"duty.csv"}}}
        """#.write(to: folder.appendingPathComponent("program.json"), atomically: true, encoding: .utf8)
        let file = try ProgramFile.read(contentsOf: folder.appendingPathComponent("program.json"))
        let closed = try #require(file.program.closed)
        #expect(closed.dutyRoster == nil)
        #expect(closed.periods?.count == 2)
        #expect(closed.periods?.first?.reason == "the on-duty night service, zone 3")
        // 4 December 2026, 22:00 in Brussels: on duty; 5 December 10:00: open.
        #expect(
            closed.closedReason(at: utc("2026-12-04T21:00:00Z"), timeZone: brussels)?.contains("zone 3") == true)
        #expect(closed.closedReason(at: utc("2026-12-11T23:00:00Z"), timeZone: brussels)?.contains("on-duty") == true)
        #expect(closed.closedReason(at: utc("2026-12-05T09:00:00Z"), timeZone: brussels) == nil)
        // Without its folder (the bare JSON) the reference cannot be read, and says so.
        #expect(throws: ProgramError.self) {
            try ProgramFile.decode(try Data(contentsOf: folder.appendingPathComponent("program.json")))
        }
    }

    @Test func aBadRosterLineIsRefusedWithItsLineNumber() {
        do {
            _ = try DutyRoster.periods(
                "2026-12-04T19:00,2026-12-05T09:00\n2026-12-31T25:00,2027-01-01T09:00", file: "d.csv")
            Issue.record("accepted")
        } catch {
            #expect(error.message.hasPrefix("d.csv line 2:"))
        }
    }
}

/// A card number typed as printed on the card.
@Suite struct TypedCardNumberTests {
    @Test func spacesAndDashesBetweenDigitGroupsAreTheSameNumber() throws {
        #expect(try CardNumber("2990 0010 0001 8").digits == "2990001000018")
        #expect(try CardNumber("2990-0010-0001-8").digits == "2990001000018")
        #expect(try CardNumber("2990001000018").digits == "2990001000018")
    }

    @Test func anyOtherCharacterIsStillNotACardNumber() {
        for text in ["2990_0010_0001_8", "2990\t0010 0001 8", "2990.0010.0001.8", "2990 0010 0001 9", "2990 0010 0001"]
        {
            #expect(throws: RuleViolation.self) { try CardNumber(text) }
        }
        do { _ = try CardNumber("2990/0010") } catch { #expect(error.rule == .invalidCardNumber) }
    }
}
