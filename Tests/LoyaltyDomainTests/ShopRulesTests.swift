import Foundation
import LoyaltyDomain
import Testing

/// The earning rules of the three shops the core was built for, computed without a database.
@Suite struct ShopRulesTests {
    static let euro = Currency(code: "EUR")!
    static let lev = Currency(code: "BGN")!

    func line(
        _ sku: String, _ amount: String, _ currency: Currency = euro, brand: String? = nil, category: String? = nil
    ) -> SaleLine {
        SaleLine(sku: sku, amount: try! Money(parsing: amount, currency: currency), brand: brand, category: category)
    }

    // MARK: Dutch pharmacy: 1 point per whole euro on the receipt total.

    let dutch = try! EarningRules(
        program: Program(points: .init(per: "1.00")), currency: euro,
        timeZone: TimeZone(identifier: "Europe/Amsterdam")!)

    @Test func dutchPharmacyEarnsOnePointPerWholeEuroOfTheTotal() {
        // 12.80 + 10.95 = 23.75: 23 points, rounded down on the receipt, not per line (12 + 10).
        #expect(dutch.earning(for: [line("a", "12.80"), line("b", "10.95")], member: false).points == 23)
        #expect(dutch.earning(for: [line("a", "0.99")], member: false).points == 0)
        #expect(dutch.earning(for: [line("a", "0.60"), line("b", "0.40")], member: false).points == 1)
    }

    // MARK: Bulgarian cooperative: 1 point per 0.50 lv, own brand x2, members x2.

    func coop(_ combine: Program.Multipliers.Combination) -> EarningRules {
        try! EarningRules(
            program: Program(
                points: .init(per: "0.50"),
                multipliers: .init(brands: ["Coop": Ratio("2")!], member: Ratio("2")!, combine: combine)),
            currency: ShopRulesTests.lev, timeZone: TimeZone(identifier: "Europe/Sofia")!)
    }

    @Test func coopEarnsOnePointPerFiftyStotinki() {
        #expect(coop(.multiply).earning(for: [line("bread", "1.49", ShopRulesTests.lev)], member: false).points == 2)
        #expect(
            coop(.multiply).earning(
                for: [
                    line("x", "0.40", ShopRulesTests.lev), line("y", "0.40", ShopRulesTests.lev),
                    line("z", "0.40", ShopRulesTests.lev),
                ], member: false
            ).points == 2)
    }

    @Test func coopOwnBrandEarnsDoubleAndMembersDoubleOnEverything() {
        let own = line("coop-milk", "2.00", ShopRulesTests.lev, brand: "Coop")
        let other = line("cola", "2.00", ShopRulesTests.lev, brand: "Cola")
        let rules = coop(.multiply)
        #expect(rules.earning(for: [other], member: false).points == 4)
        #expect(rules.earning(for: [own], member: false).points == 8)
        #expect(rules.earning(for: [other], member: true).points == 8)
        // Own brand for a member: multipliers multiply, x4.
        #expect(rules.earning(for: [own], member: true).points == 16)
    }

    @Test func multiplierCombinationIsTheProgramsChoice() {
        let own = line("coop-milk", "2.00", ShopRulesTests.lev, brand: "Coop")
        #expect(coop(.multiply).earning(for: [own], member: true).points == 16)  // x4
        #expect(coop(.add).earning(for: [own], member: true).points == 12)  // x3
        #expect(coop(.highest).earning(for: [own], member: true).points == 8)  // x2
    }

    // MARK: Belgian pharmacies: discount per category, nothing on reimbursed medicine.

    let belgian = try! EarningRules(
        program: Program(
            discount: .init(
                rates: ["reimbursed-medicine": .zero, "otc-medicine": Ratio("0.02")!, "cosmetics": Ratio("0.05")!],
                defaultRate: Ratio("0.02")!, redeemFrom: "5.00", cashOut: false)),
        currency: euro, timeZone: TimeZone(identifier: "Europe/Brussels")!)

    @Test func belgianPharmacyEarnsDiscountPerCategory() {
        let earning = belgian.earning(
            for: [
                line("medicine", "30.00", category: "reimbursed-medicine"),
                line("paracetamol", "4.99", category: "otc-medicine"),
                line("cream", "19.99", category: "cosmetics"),
            ], member: false)
        // 0 + 4.99 x 2% (0.0998) + 19.99 x 5% (0.9995) = 1.0993, rounded down per receipt: 1.09.
        #expect(earning.discount.decimalString == "1.09")
        #expect(earning.points == 0)
    }

    @Test func reimbursedMedicineEarnsNothing() {
        #expect(
            belgian.earning(for: [line("m", "250.00", category: "reimbursed-medicine")], member: false).discount
                .minorUnits == 0)
    }

    @Test func redeemRulesComeFromTheProgram() {
        #expect(belgian.discountRedeemThreshold.decimalString == "5.00")
        #expect(belgian.discountCashOutAllowed == false)
    }

    @Test func aProgramWithABadRateAmountIsRefused() {
        #expect(throws: ProgramError.self) {
            try EarningRules(
                program: Program(points: .init(per: "0.001")), currency: ShopRulesTests.euro, timeZone: .gmt)
        }
        #expect(throws: ProgramError.self) {
            try EarningRules(program: Program(points: .init(per: "0")), currency: ShopRulesTests.euro, timeZone: .gmt)
        }
    }
}
