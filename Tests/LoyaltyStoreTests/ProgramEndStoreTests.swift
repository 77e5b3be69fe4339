import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

/// The program's end on the store at chosen instants (docs/program-end.md): the six months
/// counted from the merchant's today, to the day, and the final balances said to be final only
/// once the last day is over.
@Suite struct ProgramEndStoreTests {
    @Test(arguments: StoreKind.available)
    func sixMonthsAreCountedFromTheMerchantsTodayToTheDay(kind: StoreKind) async throws {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        // 23:30 UTC on 9 January is already 10 January in Amsterdam.
        let now = try Timestamp.read("2020-01-09T23:30:00Z")
        #expect(
            LedgerDatabase.earliestProgramEnd(now: now, timeZone: TimeZone(identifier: "Europe/Amsterdam")!)
                == "2020-07-10")
        #expect(
            await errorCode {
                try await ledger.store.announceProgramEnd(merchant: nil, date: "2020-07-09", by: "o", now: now)
            } == .outOfRange)
        let announced = try await ledger.store.announceProgramEnd(
            merchant: nil, date: "2020-07-10", by: "o", now: now)
        #expect(announced.date == "2020-07-10")
        #expect(try await ledger.store.programEnd(merchant: nil).date == "2020-07-10")
        await ledger.close()
    }

    @Test func theBalancesAreFinalOnlyAfterTheLastDay() async throws {
        let ledger = try TestLedger(programs: ["dutch-pharmacy"])
        let card = ledger.card("2990001", 9)
        try ledger.addCard(card)
        _ = try await ledger.earn(
            card, receipt: "r1", at: "2020-03-01T10:00:00Z", [SaleLineInput(sku: "1", amount: "25.00")])
        _ = try await ledger.database.announceProgramEnd(
            merchant: nil, date: "2020-07-31", by: "o", now: try Timestamp.read("2020-01-10T10:00:00Z"))
        let onTheDay = try await ledger.database.finalBalances(
            merchant: nil, now: try Timestamp.read("2020-07-31T21:00:00Z"))
        #expect(onTheDay.end == "2020-07-31" && !onTheDay.ended)
        let after = try await ledger.database.finalBalances(
            merchant: nil, now: try Timestamp.read("2020-07-31T22:30:00Z"))
        #expect(after.ended)
        #expect(after.csv.contains("\(card),active,1,25,0.00,0.00,0,EUR\r\n"), "\(after.csv)")
    }
}
