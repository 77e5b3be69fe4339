import Foundation
import LoyalgateClient
import LoyalgateProtocol
import LoyaltyDomain
import Testbed
import Testing

/// The program's end (issue 15, docs/program-end.md) through the real core binary over its
/// socket. Until the end date is past by the core's clock, the till's sale time (`at`, which a
/// till sends for a sale it makes offline) decides: a sale on or after the end date is judged by
/// that date (after it, ProgramEndStoreTests: nothing posts whatever `at` says).
@Suite struct ProgramEndTests {
    static let amsterdam = TimeZone(identifier: "Europe/Amsterdam")!

    /// The merchant's today plus `months`, as `YYYY-MM-DD`.
    static func day(months: Int, days: Int = 0) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = amsterdam
        let start = calendar.startOfDay(for: Date())
        let later = calendar.date(byAdding: DateComponents(month: months, day: days), to: start)!
        return Timestamp.localDate(later.addingTimeInterval(12 * 3600), timeZone: amsterdam)
    }

    /// Noon on `day` in Amsterdam, as a till's `at`.
    static func noon(_ day: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = amsterdam
        let parts = day.split(separator: "-").compactMap { Int($0) }
        let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: 12))!
        return Timestamp.format(date)
    }

    func refusal<Answer>(_ call: () throws -> Answer) -> LoyaltyError? {
        do {
            _ = try call()
            return nil
        } catch let error as LoyaltyError {
            return error
        } catch {
            return LoyaltyError(.internalError, "\(error)")
        }
    }

    @Test(arguments: StoreKind.available)
    func anEndFiveMonthsAheadIsRefusedAndOneSevenMonthsAheadIsAnnouncedOnce(store: StoreKind) throws {
        let core = CoreProcess()
        try core.setUp(programs: ["dutch-pharmacy"])
        try core.start(on: store)
        let client = try core.typedClient()
        for (name, consent) in [("Jan de Vries", true), ("Els Bakker", false), ("Piet Jansen", true)] {
            _ = try client.call(
                CoreOp.CustomerRegister.self,
                .init(
                    details: CustomerDetails(name: name, email: name.lowercased().filter(\.isLetter) + "@example.nl"),
                    consents: Consents(mail: consent, profiling: false)))
        }
        let soon = Self.day(months: 5)
        let tooSoon = refusal { try client.call(CoreOp.ProgramEndAnnounce.self, .init(date: soon)) }
        #expect(tooSoon?.code == .outOfRange)
        #expect(tooSoon?.message.contains("at least six months ahead") == true, "\(String(describing: tooSoon))")
        #expect(try client.call(CoreOp.ProgramEndGet.self, .init()).date == nil)
        let badDate = refusal { try client.call(CoreOp.ProgramEndAnnounce.self, .init(date: "2031-02-30")) }
        #expect(badDate?.code == .badRequest)

        let end = Self.day(months: 7)
        let announced = try client.call(CoreOp.ProgramEndAnnounce.self, .init(date: end, by: "owner"))
        #expect(announced.date == end)
        // The two who consent to mail, once each.
        #expect(announced.mailsRecorded == 2)
        let again = refusal { try client.call(CoreOp.ProgramEndAnnounce.self, .init(date: Self.day(months: 8))) }
        #expect(again?.code == .badRequest && again?.message.contains("already announced for \(end)") == true)
        let read = try client.call(CoreOp.ProgramEndGet.self, .init())
        #expect(read.date == end && read.announcedBy == "owner")
        #expect(core.terminate() == 0)
    }

    @Test(arguments: StoreKind.available)
    func earningStopsOnTheEndDateSpendingGoesOnThroughItThenBalancesAreFrozenAndExported(store: StoreKind) throws {
        let core = CoreProcess()
        let number = card("2990001", 71)
        try core.setUp(programs: ["dutch-pharmacy"], cards: [number])
        try core.start(on: store)
        let client = try core.typedClient()
        let end = Self.day(months: 7)
        _ = try client.call(CoreOp.ProgramEndAnnounce.self, .init(date: end))
        func earn(_ receipt: String, at: String?) throws -> TxnAnswer {
            try client.call(
                CoreOp.TxnEarn.self,
                .init(card: number, till: "t1", receipt: receipt, lines: [.init(sku: "x", amount: "150.00")], at: at))
        }
        // From the announcement on, the till's answer (and so the receipt) carries the date.
        let first = try earn("e1", at: nil)
        #expect(first.points == 150 && first.programEnds == end)
        #expect(try earn("e2", at: Self.noon(Self.day(months: 7, days: -1))).points == 150)
        let onTheDay = refusal { try earn("e3", at: Self.noon(end)) }
        #expect(onTheDay?.code == .programClosed)
        #expect(onTheDay?.message.contains("ends on \(end)") == true, "\(String(describing: onTheDay))")

        // Spending through the end date...
        let spent = try client.call(
            CoreOp.TxnRedeem.self,
            .init(card: number, till: "t1", receipt: "r1", reward: "REWARD-HANDCREAM", at: Self.noon(end)))
        #expect(spent.points == -100 && spent.programEnds == end && spent.account.points == 200)
        // ...and not after it.
        let frozen = refusal {
            try client.call(
                CoreOp.TxnRedeem.self,
                .init(
                    card: number, till: "t1", receipt: "r2", reward: "REWARD-HANDCREAM",
                    at: Self.noon(Self.day(months: 7, days: 1))))
        }
        #expect(frozen?.code == .programClosed)
        #expect(frozen?.message.contains("balances are frozen") == true, "\(String(describing: frozen))")

        // The cardholder's view shows the date.
        let token = try client.call(CoreOp.CardholderToken.self, .init(card: number)).token
        #expect(try client.call(CoreOp.CardholderView.self, .init(token: token)).programEnds == end)

        #expect(core.terminate() == 0)
        // The final balances as CSV (`program final-balances` reads a shop's SQLite file).
        guard store == .sqlite else { return }
        let out = core.data + "/final.csv"
        let exported = try Loyalgate.run(["program", "final-balances", "--data", core.data, "--out", out])
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.contains("ends on \(end)"), "\(exported.stdout)")
        let csv = try String(contentsOfFile: out, encoding: .utf8)
        #expect(csv.hasPrefix("card,status,account,points,discount,prepaid,stamps,currency\r\n"))
        #expect(csv.contains("\(number),active,1,200,0.00,0.00,0,EUR\r\n"), "\(csv)")
    }

    /// Stamps are a balance too: a stamp card's reward can be taken through the last day, not after.
    @Test func stampsAreFrozenAfterTheEndToo() throws {
        let core = CoreProcess()
        let number = card("2440001", 7)
        try core.setUp(programs: ["german-shop"], cards: [number])
        try core.start()
        let client = try core.typedClient()
        let end = Self.day(months: 7)
        _ = try client.call(CoreOp.ProgramEndAnnounce.self, .init(merchant: "markt-lindenhof", date: end))
        let earned = try client.call(
            CoreOp.TxnEarn.self,
            .init(
                merchant: "markt-lindenhof", card: number, till: "t1", receipt: "e1",
                lines: [.init(sku: "kaffee", amount: "60.00", qty: 20, category: "coffee")]))
        #expect(earned.stamps == 20 && earned.programEnds == end)
        let onTheDay = try client.call(
            CoreOp.StampsRedeem.self,
            .init(merchant: "markt-lindenhof", card: number, till: "t1", receipt: "s1", at: Self.noon(end)))
        #expect(onTheDay.balance == 10)
        let after = refusal {
            try client.call(
                CoreOp.StampsRedeem.self,
                .init(
                    merchant: "markt-lindenhof", card: number, till: "t1", receipt: "s2",
                    at: Self.noon(Self.day(months: 7, days: 1))))
        }
        #expect(after?.code == .programClosed && after?.message.contains("frozen") == true)
        #expect(core.terminate() == 0)
    }
}
