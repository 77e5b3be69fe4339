import Foundation
import LoyaltyDomain
import Testing

@Suite struct ReturnCalculationTests {
    let lev = Currency(code: "BGN")!
    var rules: EarningRules {
        try! EarningRules(
            program: Program(
                points: .init(per: "0.50"), multipliers: .init(brands: ["Coop": Ratio("2")!], combine: .multiply)),
            currency: lev, timeZone: .gmt)
    }

    func line(_ sku: String, _ amount: String, brand: String? = nil) -> SaleLine {
        SaleLine(sku: sku, amount: try! Money(parsing: amount, currency: lev), brand: brand)
    }

    var original: [SaleLine] { [line("coop-oil", "5.00", brand: "Coop"), line("cola", "2.25")] }

    @Test func returningAnOwnBrandLineTakesBackItsDoubledPoints() throws {
        let earned = rules.earning(for: original, member: false)  // 20 + 4 (4.5 rounded down) = 24
        #expect(earned.points == 24)
        let calculation = ReturnCalculation(originalLines: original, originalEarning: earned, member: false)
        let back = try calculation.takeBack(
            rules: rules, earlierReturns: [], alreadyTaken: Earning(points: 0, discount: .zero(lev)),
            returning: [line("coop-oil", "5.00")])
        #expect(back.points == 20)
    }

    @Test func returningInPartsTakesBackExactlyTheOriginalInTotal() throws {
        let earned = rules.earning(for: original, member: false)
        let calculation = ReturnCalculation(originalLines: original, originalEarning: earned, member: false)
        var taken = Earning(points: 0, discount: .zero(lev))
        var returned: [SaleLine] = []
        for part in [
            line("cola", "0.75"), line("cola", "0.75"), line("coop-oil", "2.50"), line("cola", "0.75"),
            line("coop-oil", "2.50"),
        ] {
            let back = try calculation.takeBack(
                rules: rules, earlierReturns: returned, alreadyTaken: taken, returning: [part])
            #expect(back.points >= 0)
            taken.points += back.points
            returned.append(part)
        }
        #expect(taken.points == earned.points)
    }

    @Test func aReturnLargerThanTheSaleIsRefused() {
        let calculation = ReturnCalculation(
            originalLines: original, originalEarning: rules.earning(for: original, member: false), member: false)
        #expect(throws: RuleViolation.self) {
            try calculation.takeBack(
                rules: rules, earlierReturns: [], alreadyTaken: Earning(points: 0, discount: .zero(lev)),
                returning: [line("cola", "3.00")])
        }
        #expect(throws: RuleViolation.self) {
            try calculation.takeBack(
                rules: rules, earlierReturns: [], alreadyTaken: Earning(points: 0, discount: .zero(lev)),
                returning: [line("bread", "1.00")])
        }
    }

    @Test func neverTakesBackMoreThanTheOriginalEarnedEvenIfTheRulesSayMore() throws {
        // The original earned 3 points (say, under a stingier rule); the return may not take 24.
        let calculation = ReturnCalculation(
            originalLines: original, originalEarning: Earning(points: 3, discount: .zero(lev)), member: false)
        let back = try calculation.takeBack(
            rules: rules, earlierReturns: [], alreadyTaken: Earning(points: 0, discount: .zero(lev)),
            returning: original)
        #expect(back.points == 3)
    }
}
