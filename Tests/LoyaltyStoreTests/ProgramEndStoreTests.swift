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

    /// The refusal a store gives, as the till sees it.
    func refusal(_ body: () async throws -> Any) async -> LoyaltyError? {
        do {
            _ = try await body()
            return nil
        } catch let error as LoyaltyError {
            return error
        } catch let violation as RuleViolation {
            return LoyaltyError(violation)
        } catch {
            return LoyaltyError(.internalError, "\(error)")
        }
    }

    /// An end announced for 31 July 2020 is long past by the core's clock: a till that sends a
    /// sale dated before the end (or on its last day) no longer earns or spends, as the final
    /// balances were exported after the end.
    @Test(arguments: StoreKind.available)
    func aTillsEarlierSaleTimeDoesNotReopenTheProgramOnceTheCoresClockIsPastTheEnd(kind: StoreKind) async throws {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let card = ledger.card("2990001", 9)
        try await ledger.addCard(card)
        let before = [SaleLineInput(sku: "1", amount: "150.00")]
        #expect(try await ledger.earn(card, receipt: "e1", at: "2020-03-02T10:00:00Z", before).points == 150)
        _ = try await ledger.store.announceProgramEnd(
            merchant: nil, date: "2020-07-31", by: "o", now: try Timestamp.read("2020-01-10T10:00:00Z"))
        let earned = await refusal { try await ledger.earn(card, receipt: "e2", at: "2020-03-03T10:00:00Z", before) }
        #expect(earned?.code == .programClosed)
        #expect(earned?.message.contains("ended on 2020-07-31 and its balances are frozen") == true, "\(earned as Any)")
        let spent = await refusal {
            try await ledger.redeem(card, receipt: "r1", reward: "REWARD-HANDCREAM", at: "2020-07-31T10:00:00Z")
        }
        #expect(spent?.code == .programClosed)
        #expect(spent?.message.contains("balances are frozen") == true, "\(spent as Any)")
        // A return of that sale takes nothing back either.
        let returned = await refusal { try await ledger.giveBack(receipt: "g1", original: "e1", before) }
        #expect(returned?.code == .programClosed)
        #expect(returned?.message.contains("Nothing is taken back") == true, "\(returned as Any)")
        // The balance stays what the final export showed.
        #expect(try await ledger.store.lookup(merchant: nil, card: card).account.points == 150)
        await ledger.close()
    }

    /// Stamps are frozen with the other balances, whatever sale time the till sends.
    @Test(arguments: StoreKind.available)
    func stampsStayFrozenOnceTheCoresClockIsPastTheEnd(kind: StoreKind) async throws {
        let ledger = try await StoreLedger.open(kind, programs: ["german-shop"])
        let card = ledger.card("2440001", 9)
        try await ledger.addCard(card)
        let coffee = [SaleLineInput(sku: "latte", amount: "30.00", qty: 12, category: "coffee")]
        #expect(try await ledger.earn(card, receipt: "S1", at: "2020-03-02T10:00:00Z", coffee).stamps == 12)
        _ = try await ledger.store.announceProgramEnd(
            merchant: nil, date: "2020-07-31", by: "o", now: try Timestamp.read("2020-01-10T10:00:00Z"))
        let redeemed = await refusal {
            try await ledger.store.stampsRedeem(
                .init(card: card, till: "k1", receipt: "X1", at: "2020-07-31T10:00:00Z"))
        }
        #expect(redeemed?.code == .programClosed)
        #expect(redeemed?.message.contains("balances are frozen") == true, "\(redeemed as Any)")
        #expect(try await ledger.store.lookup(merchant: nil, card: card).account.stamps == 12)
        await ledger.close()
    }
}
