import Foundation
import LoyaltyDomain
import Testing

/// Program values that would overflow an earn or turn a rule around are refused by the program
/// check, with the field named; what passes computes without trapping.
@Suite struct ProgramBoundsTests {
    static let euro = Currency(code: "EUR")!
    static let zone = TimeZone(identifier: "Europe/Amsterdam")!

    func check(_ program: Program) -> String? {
        do {
            _ = try EarningRules(program: program, currency: Self.euro, timeZone: Self.zone)
            return nil
        } catch {
            return error.message
        }
    }

    func line(_ amount: String, brand: String? = nil) -> SaleLine {
        SaleLine(sku: "a", amount: try! Money(parsing: amount, currency: Self.euro), brand: brand)
    }

    @Test func aTinyPerWithHugePointsIsRefusedWithTheLargestEarning() {
        let message = check(Program(points: .init(per: "0.01", points: 1_000_000)))
        #expect(message?.hasPrefix("points: a receipt within the request limits") == true, "\(message ?? "accepted")")
        // The largest receipt at 1 point per cent is 10^12 points: within a balance.
        #expect(check(Program(points: .init(per: "0.01", points: 1))) == nil)
    }

    @Test func hugeMultipliersAreRefused() {
        let program = Program(
            points: .init(per: "1.00"),
            multipliers: .init(brands: ["X": Ratio("1000000000")!], member: Ratio("1000000000")!, combine: .multiply))
        #expect(check(program)?.hasPrefix("points:") == true)
    }

    @Test func aHugePerEarnsNothingInsteadOfTrapping() throws {
        let rules = try EarningRules(
            program: Program(points: .init(per: "999999999999999")), currency: Self.euro, timeZone: Self.zone)
        #expect(rules.earning(for: [line("10000000.00")], member: false).points == 0)
    }

    @Test func aRateAboveOneHundredPercentNeedsToBeAllowed() {
        let generous = Program(discount: .init(rates: ["otc": Ratio("5")!], defaultRate: Ratio("0.02")!))
        #expect(check(generous)?.hasPrefix("discount.rates.otc: \"5\" is more than 100 %") == true)
        var allowed = generous
        allowed.discount?.allowRateAbove100Percent = true
        #expect(check(allowed) == nil)
        #expect(
            check(Program(discount: .init(rates: [:], defaultRate: Ratio("1.5")!)))?.contains("defaultRate") == true)
    }

    @Test func valuesThatInvertARuleAreRefusedNamingTheField() {
        #expect(
            check(Program(points: .init(per: "1.00", minimumRedeem: -5)))?.hasPrefix("points.minimumRedeem") == true)
        #expect(check(Program(points: .init(per: "1.00", minimumRedeem: 0)))?.hasPrefix("points.minimumRedeem") == true)
        #expect(check(Program(points: .init(per: "-1.00")))?.hasPrefix("points.per") == true)
        #expect(check(Program(points: .init(per: "0.00")))?.hasPrefix("points.per") == true)
        #expect(check(Program(points: .init(per: "1.00", points: -3)))?.hasPrefix("points.points") == true)
        #expect(
            check(Program(discount: .init(rates: [:], defaultRate: .zero, redeemFrom: "-5.00")))?.hasPrefix(
                "discount.redeemFrom") == true)
        #expect(
            check(Program(cards: .init(replacementFees: ["lost": "-2.00"])))?.hasPrefix(
                "cards.replacementFees.lost") == true)
        #expect(
            check(Program(cards: .init(activationDelayHours: -1)))?.hasPrefix("cards.activationDelayHours") == true)
        #expect(check(Program(rewards: [.init(sku: "R", name: "Honey", points: -300)]))?.hasPrefix("rewards") == true)
        #expect(
            check(Program(rewards: [.init(sku: "R", name: "A", points: 3), .init(sku: "R", name: "B", points: 4)]))?
                .contains("twice") == true)
        // Multipliers that add up to less than x0 would make an earn take points away.
        let negative = Program(
            points: .init(per: "1.00"),
            multipliers: .init(brands: ["X": Ratio("0")!], member: Ratio("0")!, combine: .add))
        #expect(check(negative)?.hasPrefix("multipliers") == true)
    }

    @Test func aRedeemOfNoOrNegativePointsIsRefusedWhateverTheMinimum() throws {
        let rules = try EarningRules(
            program: Program(points: .init(per: "1.00")), currency: Self.euro, timeZone: Self.zone)
        // Refused as a bad request before the program's minimum is consulted, so no minimum
        // (even one that slipped past the program check) can let it through.
        for points: Int64 in [0, -5, .min] {
            #expect {
                try rules.spend(.points(points), points: 100, discount: .zero(Self.euro))
            } throws: { ($0 as? RuleViolation)?.rule == .invalidInput }
        }
    }
}

/// `at` and every stored time: only real times.
@Suite struct TimestampTests {
    @Test func realTimesAreRead() throws {
        #expect(Timestamp.parse("2026-11-24T10:00:00Z") == Date(timeIntervalSince1970: 1_795_514_400))
        #expect(Timestamp.parse("2026-11-24T11:00:00+01:00") == Timestamp.parse("2026-11-24T10:00:00Z"))
        #expect(Timestamp.parse("2026-11-24T05:30:00-04:30") == Timestamp.parse("2026-11-24T10:00:00Z"))
        #expect(Timestamp.parse("2026-11-24T10:00:00.250Z")?.timeIntervalSince1970 == 1_795_514_400.25)
        #expect(Timestamp.parse("2028-02-29T12:00:00Z") != nil)
        #expect(Timestamp.format(Timestamp.parse("2000-03-01T00:00:00Z")!) == "2000-03-01T00:00:00Z")
    }

    @Test(arguments: [
        "2026-02-30T10:00:00Z", "2027-02-29T10:00:00Z", "2026-04-31T10:00:00Z", "2026-13-01T10:00:00Z",
        "2026-11-24T24:00:00Z", "2026-11-24T10:60:00Z", "2026-11-24T10:00:60Z", "2026-11-24T10:00:00+99:99",
        "2026-11-24T10:00:00+24:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1999-12-31T23:59:59Z",
        "2026-11-24T10:00:00", "2026-11-24 10:00:00Z", "2026-11-24T10:00:00Z ", "2026-11-24T10:00:00.Z",
        "2026-11-24T10:00:00.1234567890Z", "", "2026-1-24T10:00:00Z",
    ])
    func impossibleTimesAreRefused(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }
}
