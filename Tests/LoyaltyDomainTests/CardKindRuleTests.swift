import Foundation
import LoyaltyDomain
import Testing

/// The rules of stamp cards, vouchers and cardholder prices, as a cashier meets them.
@Suite struct CardKindRuleTests {
    static let euro = Currency(code: "EUR")!
    static let zone = TimeZone(identifier: "Europe/Berlin")!

    static func rules(stamps: Program.StampRule? = nil, prices: Program.CardholderPrices? = nil) throws(ProgramError)
        -> EarningRules
    {
        try EarningRules(
            program: Program(stamps: stamps, cardholderPrices: prices), currency: euro, timeZone: zone)
    }

    static func line(_ sku: String, _ cents: Int64, qty: Int? = nil, category: String? = nil) -> SaleLine {
        SaleLine(sku: sku, amount: Money(minorUnits: cents, currency: euro), qty: qty, category: category)
    }

    static let coffee = Program.StampRule(
        per: .item, categories: ["coffee"], minimumAmount: "2.00",
        reward: .init(stamps: 10, name: "Gratis Kaffee", sku: "4001234000019"))

    @Test func itemStampsCountQualifyingUnitsAtTheMinimumPrice() throws {
        let rules = try Self.rules(stamps: Self.coffee)
        #expect(
            rules.stamps(for: [
                Self.line("latte", 750, qty: 3, category: "coffee"),  // 3 x 2.50: three stamps
                Self.line("espresso", 150, category: "coffee"),  // below 2.00: none
                Self.line("bread", 400, category: "bakery"),  // not coffee: none
            ]) == 3)
        #expect(rules.stamps(for: [Self.line("latte", 500, qty: 3, category: "coffee")]) == 0)
    }

    @Test func aVisitStampsOnceWhenTheQualifyingLinesReachTheMinimum() throws {
        var rule = Self.coffee
        rule.per = .visit
        rule.stamps = 2
        rule.minimumAmount = "5.00"
        let rules = try Self.rules(stamps: rule)
        #expect(
            rules.stamps(for: [
                Self.line("latte", 300, category: "coffee"), Self.line("cake", 250, category: "coffee"),
            ]) == 2)
        #expect(rules.stamps(for: [Self.line("latte", 300, category: "coffee")]) == 0)
        #expect(rules.stamps(for: [Self.line("bread", 900, category: "bakery")]) == 0)
    }

    @Test func aReturnTakesBackTheStampsOfTheReturnedItemsOnly() throws {
        let rules = try Self.rules(stamps: Self.coffee)
        let sold = [Self.line("latte", 750, qty: 3, category: "coffee"), Self.line("bread", 400, category: "bakery")]
        #expect(
            rules.stampsBack(
                original: sold, originalStamps: 3, earlierReturns: [], alreadyTaken: 0,
                returning: [Self.line("latte", 250, qty: 1)]) == 1)
        // Returning the rest later takes the other two, never more than were given.
        #expect(
            rules.stampsBack(
                original: sold, originalStamps: 3, earlierReturns: [Self.line("latte", 250, qty: 1)],
                alreadyTaken: 1, returning: [Self.line("latte", 500, qty: 2)]) == 2)
        #expect(
            rules.stampsBack(
                original: sold, originalStamps: 3, earlierReturns: [], alreadyTaken: 0,
                returning: [Self.line("bread", 400)]) == 0)
        // A return line without qty returns the cups its amount paid for: two of three here.
        #expect(
            rules.stampsBack(
                original: sold, originalStamps: 3, earlierReturns: [], alreadyTaken: 0,
                returning: [Self.line("latte", 500)]) == 2)
    }

    @Test func theProgramCheckRefusesARewardThatIsNeitherOrBoth() {
        for reward in [
            Program.StampReward(stamps: 10, name: "Kaffee"),
            Program.StampReward(stamps: 10, name: "Kaffee", sku: "k", amountOff: "2.00"),
            Program.StampReward(stamps: 0, name: "Kaffee", sku: "k"),
            Program.StampReward(stamps: 10, name: "", sku: "k"),
            Program.StampReward(stamps: 10, name: "Kaffee", amountOff: "-2.00"),
        ] {
            var rule = Self.coffee
            rule.reward = reward
            #expect(throws: ProgramError.self) { try Self.rules(stamps: rule) }
        }
        var rule = Self.coffee
        rule.minimumAmount = "zwei"
        #expect(throws: ProgramError.self) { try Self.rules(stamps: rule) }
        do {
            var both = Self.coffee
            both.reward.amountOff = "2.00"
            _ = try Self.rules(stamps: both)
        } catch {
            #expect(error.message.hasPrefix("stamps.reward:"), "\(error.message)")
        }
    }

    @Test func cardholderPricesGiveTheBestRateAndMembersTheirsOnTop() throws {
        let rules = try Self.rules(
            prices: .init(
                skus: ["milk-1l": Ratio("0.05")!], categories: ["dairy": Ratio("0.03")!],
                memberCategories: ["dairy": Ratio("0.08")!]))
        let basket = [
            Self.line("milk-1l", 199, category: "dairy"), Self.line("yoghurt", 1000, category: "dairy"),
            Self.line("nails", 500, category: "hardware"),
        ]
        let anyone = rules.cardholderDiscounts(for: basket, member: false)
        #expect(anyone.map(\.sku) == ["milk-1l", "yoghurt"])
        #expect(anyone.map(\.discount.minorUnits) == [9, 30])  // 5 % of 1.99 rounded down; 3 % of 10.00
        #expect(anyone.map(\.basis) == ["sku", "category"])
        let member = rules.cardholderDiscounts(for: basket, member: true)
        #expect(member.map(\.discount.minorUnits) == [15, 80])
        #expect(member.map(\.basis) == ["member-category", "member-category"])
        #expect(throws: ProgramError.self) { try Self.rules(prices: .init(categories: ["dairy": Ratio("1.5")!])) }
    }

    @Test func voucherCodesAreRecognisableEAN13sWithACheckDigit() throws {
        let code = VoucherCode.make(serial: 1_234_567)
        #expect(code == "9900012345674")
        #expect(VoucherCode.isVoucher(code))
        #expect(!VoucherCode.isVoucher("9900012345675"))  // a wrong check digit
        #expect(!VoucherCode.isVoucher("2990001000018"))  // a card
        #expect(try VoucherCode.parse("9900 0123 4567 4") == code)
        #expect(throws: RuleViolation.self) { try VoucherCode.parse("9900012345675") }
    }

    @Test func aVoucherIsRefusedWithASentenceWhenSpentExpiredEarlyOrBelowItsMinimum() throws {
        let terms = try VoucherTerms(
            kind: .value, valueMinor: 500, uses: 1, validFrom: "2026-12-01", validUntil: "2026-12-31",
            minimumMinor: 2000
        ).validated()
        func refusal(_ body: () throws(RuleViolation) -> Int64) -> RuleViolation? {
            do {
                _ = try body()
                return nil
            } catch { return error }
        }
        let code = "9900012345674"
        let spent = refusal { () throws(RuleViolation) in
            try terms.redeem(code: code, purchase: 3000, used: 1, today: "2026-12-10", currency: Self.euro)
        }
        #expect(spent?.rule == .voucherSpent)
        #expect(spent?.message == "Voucher 9900012345674 has already been used.")
        let expired = refusal { () throws(RuleViolation) in
            try terms.redeem(code: code, purchase: 3000, used: 0, today: "2027-01-01", currency: Self.euro)
        }
        #expect(expired?.rule == .voucherExpired)
        #expect(expired?.message == "Voucher 9900012345674 expired on 2026-12-31.")
        #expect(
            refusal { () throws(RuleViolation) in
                try terms.redeem(code: code, purchase: 3000, used: 0, today: "2026-11-30", currency: Self.euro)
            }?.rule == .voucherNotYetValid)
        let below = refusal { () throws(RuleViolation) in
            try terms.redeem(code: code, purchase: 1999, used: 0, today: "2026-12-10", currency: Self.euro)
        }
        #expect(below?.rule == .belowMinimumPurchase)
        #expect(below?.message == "Voucher 9900012345674 is for purchases of 20.00 EUR or more; this one is 19.99.")
        #expect(try terms.redeem(code: code, purchase: 3000, used: 0, today: "2026-12-31", currency: Self.euro) == 500)
    }

    @Test func valueVouchersGiveNoChangeAndPercentVouchersNeedTheTotal() throws {
        let value = try VoucherTerms(kind: .value, valueMinor: 1000).validated()
        #expect(try value.redeem(code: "c", purchase: 650, used: 0, today: "2026-12-01", currency: Self.euro) == 650)
        let percent = try VoucherTerms(kind: .percent, rate: Ratio("0.15")!, uses: 3).validated()
        #expect(try percent.redeem(code: "c", purchase: 1999, used: 2, today: "2026-12-01", currency: Self.euro) == 299)
        #expect(throws: RuleViolation.self) {
            try percent.redeem(code: "c", purchase: nil, used: 0, today: "2026-12-01", currency: Self.euro)
        }
        for bad in [
            VoucherTerms(kind: .value, valueMinor: 0), VoucherTerms(kind: .percent, rate: Ratio("1.01")!),
            VoucherTerms(kind: .item), VoucherTerms(kind: .value, valueMinor: 100, uses: 0),
            VoucherTerms(kind: .value, valueMinor: 100, validFrom: "2026-12-31", validUntil: "2026-12-01"),
            VoucherTerms(kind: .value, valueMinor: 100, validUntil: "2026-02-30"),
        ] {
            #expect(throws: RuleViolation.self) { try bad.validated() }
        }
    }
}
