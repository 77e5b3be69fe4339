import Foundation
import LoyaltyDomain
import Testing

/// Campaigns as the earn rules apply them: inside their window in the merchant's zone, on the
/// lines they are for, on top of the program's multipliers; a return judged at the sale's time.
@Suite struct CampaignRulesTests {
    let euro = Currency(code: "EUR")!
    let amsterdam = TimeZone(identifier: "Europe/Amsterdam")!

    func rules(_ campaigns: [Program.Campaign], member: Ratio? = nil) throws -> EarningRules {
        try EarningRules(
            program: Program(
                points: .init(per: "1.00"), multipliers: member.map { .init(member: $0, combine: .multiply) },
                campaigns: campaigns),
            currency: euro, timeZone: amsterdam)
    }

    func line(_ sku: String, _ amount: String, brand: String? = nil, category: String? = nil) -> SaleLine {
        SaleLine(sku: sku, amount: try! Money(parsing: amount, currency: euro), brand: brand, category: category)
    }

    func at(_ text: String) -> Date { Timestamp.parse(text)! }

    let vichy = Program.Campaign(
        id: "vichy-march", name: "Double points on Vichy", from: "2030-03-01T00:00", until: "2030-03-15T00:00",
        multiplier: Ratio("2"), brands: ["Vichy"])

    @Test func doublePointsOnABrandOnlyInsideTheWindowInTheMerchantsZone() throws {
        let rules = try rules([vichy])
        let sale = [line("serum", "20.00", brand: "Vichy"), line("plaster", "5.00")]
        #expect(rules.earning(for: sale, member: false, at: at("2030-03-05T10:00:00Z")).points == 45)
        #expect(rules.earning(for: sale, member: false, at: at("2030-03-20T10:00:00Z")).points == 25)
        #expect(rules.earning(for: sale, member: false).points == 25, "no sale time: no campaign")
        // 23:30 UTC on 28 February is 00:30 on 1 March in Amsterdam: the campaign has begun;
        // 23:30 UTC on 14 March is 00:30 on the 15th: it has ended.
        #expect(rules.earning(for: sale, member: false, at: at("2030-02-28T23:30:00Z")).points == 45)
        #expect(rules.earning(for: sale, member: false, at: at("2030-03-14T23:30:00Z")).points == 25)
        #expect(rules.earning(for: sale, member: false, at: at("2030-02-28T22:30:00Z")).points == 25)
    }

    @Test func membersOnlyCampaignsAndBonusesAndTheHighestOfTwoCampaigns() throws {
        let weekend = Program.Campaign(
            id: "members-weekend", name: "Triple points for members", from: "2030-03-02T00:00",
            until: "2030-03-04T00:00", multiplier: Ratio("3"), membersOnly: true)
        let bonus = Program.Campaign(
            id: "serum-bonus", name: "50 points with a serum", from: "2030-03-01T00:00", until: "2030-04-01T00:00",
            bonusPoints: 50, categories: ["serum"])
        let rules = try rules([vichy, weekend, bonus], member: Ratio("2"))
        let saturday = at("2030-03-02T12:00:00Z")
        let sale = [line("serum", "10.00", brand: "Vichy", category: "serum"), line("plaster", "5.00")]
        // Not a member: Vichy x2 (20) + plaster (5) + the serum bonus (50).
        #expect(rules.earning(for: sale, member: false, at: saturday).points == 75)
        // A member: the program's x2, then the highest campaign (x3 beats x2): 10x2x3 + 5x2x3 + 50.
        #expect(rules.earning(for: sale, member: true, at: saturday).points == 140)
        // No serum on the receipt: no bonus.
        #expect(rules.earning(for: [line("plaster", "5.00")], member: false, at: saturday).points == 5)
    }

    @Test func aReturnIsJudgedByTheCampaignsOfItsSale() throws {
        let rules = try rules([vichy])
        let sale = [line("serum", "20.00", brand: "Vichy"), line("plaster", "5.00")]
        let soldAt = at("2030-03-05T10:00:00Z")
        let earned = rules.earning(for: sale, member: false, at: soldAt)
        let calculation = ReturnCalculation(
            originalLines: sale, originalEarning: earned, member: false, saleTime: soldAt)
        let back = try calculation.takeBack(
            rules: rules, earlierReturns: [], alreadyTaken: Earning(points: 0, discount: .zero(euro)),
            returning: [line("serum", "20.00")])
        #expect(back.points == 40)
        let plaster = try calculation.takeBack(
            rules: rules, earlierReturns: [], alreadyTaken: Earning(points: 0, discount: .zero(euro)),
            returning: [line("plaster", "5.00")])
        #expect(plaster.points == 5, "keeping the serum keeps its doubled 40")
        // Judged without the sale's time, the kept serum would be worth 20, and returning the
        // plaster would take 25.
        let withoutTime = ReturnCalculation(originalLines: sale, originalEarning: earned, member: false)
        let wrong = try withoutTime.takeBack(
            rules: rules, earlierReturns: [], alreadyTaken: Earning(points: 0, discount: .zero(euro)),
            returning: [line("plaster", "5.00")])
        #expect(wrong.points == 25)
    }

    @Test func badCampaignsAreRefusedWithTheirField() throws {
        func refusal(_ campaign: Program.Campaign) -> String? {
            do {
                _ = try rules([campaign])
                return nil
            } catch {
                return (error as? ProgramError)?.message
            }
        }
        var backwards = vichy
        backwards.until = "2030-02-01T00:00"
        #expect(refusal(backwards)?.contains("is not before") == true)
        var huge = vichy
        huge.multiplier = Ratio("1000")
        #expect(refusal(huge)?.contains("between 1 and 100") == true)
        var nothing = vichy
        nothing.multiplier = nil
        #expect(refusal(nothing)?.contains("multiplier, bonus points or both") == true)
        var badTime = vichy
        badTime.from = "1 March"
        #expect(refusal(badTime)?.contains("2027-03-01T00:00") == true)
        #expect(throws: ProgramError.self) { _ = try rules([vichy, vichy]) }
        var twoLines = vichy
        twoLines.name = "Double\npoints"
        #expect(refusal(twoLines)?.contains("on one line") == true)
        // A program near the balance limit: a campaign's x100 would let one receipt overflow it.
        #expect(throws: ProgramError.self) {
            var bold = vichy
            bold.multiplier = Ratio("100")
            _ = try EarningRules(
                program: Program(points: .init(per: "0.01", points: 1_000_000), campaigns: [bold]), currency: euro,
                timeZone: amsterdam)
        }
    }
}
