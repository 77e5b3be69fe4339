import Foundation
import LoyaltyDomain
import Testing

/// The Belgian pharmacies earn nothing on Sundays, public holidays, after 19:00 and during the
/// on-duty service, all in Brussels time.
@Suite struct ClosedHoursTests {
    let brussels = TimeZone(identifier: "Europe/Brussels")!
    let closed = ClosedHours(
        weekdays: ["sunday"], holidays: ["2026-12-25", "2026-11-11"], after: "19:00",
        periods: [.init(from: "2026-11-27T19:00", until: "2026-11-28T09:00", reason: "the on-duty night service")])

    func utc(_ text: String) -> Date { Timestamp.parse(text)! }

    @Test func openOnAWeekdayAfternoon() {
        // Tuesday 24 November 2026, 15:00 in Brussels (UTC+1).
        #expect(closed.closedReason(at: utc("2026-11-24T14:00:00Z"), timeZone: brussels) == nil)
    }

    @Test func closedOnSundays() {
        #expect(closed.closedReason(at: utc("2026-11-22T10:00:00Z"), timeZone: brussels)?.contains("Sunday") == true)
    }

    @Test func closedOnPublicHolidaysInLocalTime() {
        // 11 November (Armistice) 09:00 local; and 24 Dec 23:30 UTC is already 25 Dec in Brussels.
        #expect(closed.closedReason(at: utc("2026-11-11T08:00:00Z"), timeZone: brussels)?.contains("holiday") == true)
        #expect(closed.closedReason(at: utc("2026-12-24T23:30:00Z"), timeZone: brussels) != nil)
        #expect(closed.closedReason(at: utc("2026-12-24T13:00:00Z"), timeZone: brussels) == nil)
    }

    @Test func nineteenHundredStaysLocalAcrossTheDaylightSavingChange() {
        // Summer time (UTC+2), Friday 23 October 2026: 18:30 local is open, 19:10 local is closed.
        #expect(closed.closedReason(at: utc("2026-10-23T16:30:00Z"), timeZone: brussels) == nil)
        #expect(closed.closedReason(at: utc("2026-10-23T17:10:00Z"), timeZone: brussels) != nil)
        // Clocks go back on Sunday 25 October. Monday 26 October is winter time (UTC+1):
        // 17:30 UTC is 18:30 local and open, although on the Friday 17:30 UTC was 19:30 and closed.
        #expect(closed.closedReason(at: utc("2026-10-26T17:30:00Z"), timeZone: brussels) == nil)
        #expect(closed.closedReason(at: utc("2026-10-23T17:30:00Z"), timeZone: brussels) != nil)
        #expect(
            closed.closedReason(at: utc("2026-10-26T18:00:00Z"), timeZone: brussels)?.contains("after 19:00") == true)
    }

    @Test func closedDuringTheOnDutyService() {
        // Saturday 28 November 08:30 local is inside the on-duty night; 09:00 is open again.
        #expect(closed.closedReason(at: utc("2026-11-28T07:30:00Z"), timeZone: brussels)?.contains("on-duty") == true)
        #expect(closed.closedReason(at: utc("2026-11-28T08:00:00Z"), timeZone: brussels) == nil)
    }

    @Test(arguments: [
        ClosedHours(weekdays: ["zondag"]), ClosedHours(holidays: ["25/12/2026"]), ClosedHours(after: "7pm"),
        ClosedHours(periods: [.init(from: "2026-11-28T09:00", until: "2026-11-27T19:00")]),
        ClosedHours(holidays: ["2026-02-30"]),
        ClosedHours(periods: [.init(from: "2026-04-31T19:00", until: "2026-05-01T09:00")]),
    ])
    func badClosedHoursAreRefusedOnImport(hours: ClosedHours) {
        #expect(throws: ProgramError.self) { try hours.validate() }
    }
}
