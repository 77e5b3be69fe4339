import Foundation
import LoyalgateClient
import LoyalgateProtocol
import LoyaltyDomain
import Testbed
import Testing

/// Campaigns over the real core's socket. The sale's time is the clock a test can set: a till
/// sends `at` with every transaction (docs/protocol.md), so a campaign planned for March 2030
/// is earned under by a sale "made" in March 2030, and no clock of the core is bent.
@Suite struct CampaignSocketTests {
    static let vichy = Program.Campaign(
        id: "vichy-march", name: "Double points on Vichy", from: "2030-03-01T00:00", until: "2030-03-15T00:00",
        multiplier: Ratio("2"), brands: ["Vichy"])

    static func sale(_ number: String, _ receipt: String, at: String) -> CoreOp.TxnEarn.Parameters {
        .init(
            card: number, till: "t1", receipt: receipt,
            lines: [.init(sku: "serum", amount: "20.00", brand: "Vichy"), .init(sku: "plaster", amount: "5.00")],
            at: at)
    }

    @Test(arguments: StoreKind.available)
    func aReturnTakesBackTheDoubledPointsOfItsSaleAfterTheCampaignIsCancelled(store: StoreKind) throws {
        let core = CoreProcess()
        let number = card("2990001", 31)
        try core.setUp(programs: ["dutch-pharmacy"], cards: [number])
        try core.start(on: store)
        let office = try core.typedClient()

        let planned = try office.call(CoreOp.CampaignAdd.self, .init(campaign: Self.vichy))
        #expect(planned.version == 2, "the campaign is a new program version")
        #expect(planned.campaigns.map(\.state) == ["planned"])
        #expect(planned.timeZone == "Europe/Amsterdam")

        // During the campaign (10:00 in Amsterdam on 5 March): Vichy x2, the plaster x1.
        let during = try office.call(CoreOp.TxnEarn.self, Self.sale(number, "r1", at: "2030-03-05T10:00:00+01:00"))
        #expect(during.points == 45)
        // After it: x1.
        let after = try office.call(CoreOp.TxnEarn.self, Self.sale(number, "r2", at: "2030-03-20T10:00:00+01:00"))
        #expect(after.points == 25)

        // Uploading the program file again (it names no campaigns) keeps the planned one.
        let file = try String(
            contentsOf: Loyalgate.examples.appendingPathComponent("dutch-pharmacy.json"), encoding: .utf8)
        let again = try office.call(CoreOp.ProgramImport.self, .init(file: file))
        #expect(again.created == false && again.version == 2)

        // Cancelled while still planned (it is 2026 for the core): a new version without it.
        let cancelled = try office.call(CoreOp.CampaignCancel.self, .init(campaign: "vichy-march"))
        #expect(cancelled.version == 3)
        #expect(cancelled.campaigns.isEmpty)
        let versions = try office.call(CoreOp.ProgramVersions.self, .init())
        #expect(versions.versions.map(\.version) == [3, 2, 1])
        let sameDay = try office.call(CoreOp.TxnEarn.self, Self.sale(number, "r3", at: "2030-03-05T11:00:00+01:00"))
        #expect(sameDay.points == 25, "a sale under the new version gets no campaign")

        // The return of the campaign's sale, after the campaign is gone: its doubled 40 back.
        let back = try office.call(
            CoreOp.TxnReturn.self,
            .init(
                till: "t1", receipt: "ret1", original: .init(till: "t1", receipt: "r1"),
                lines: [.init(sku: "serum", amount: "20.00", brand: "Vichy")], at: "2030-03-25T09:00:00+01:00"))
        #expect(back.points == -40)
        let rest = try office.call(
            CoreOp.TxnReturn.self,
            .init(
                till: "t1", receipt: "ret2", original: .init(till: "t1", receipt: "r1"),
                lines: [.init(sku: "plaster", amount: "5.00")]))
        #expect(rest.points == -5)
        #expect(rest.account.points == 25 + 25, "what r2 and r3 earned is all that is left")
        #expect(core.terminate() == 0)
    }

    @Test(arguments: StoreKind.available)
    func campaignsArePlannedAheadAndRefusedInClearWords(store: StoreKind) throws {
        let core = CoreProcess()
        try core.setUp(programs: ["dutch-pharmacy"])
        try core.start(on: store)
        let office = try core.typedClient()
        func refusal(_ campaign: Program.Campaign) -> LoyaltyError? {
            do {
                _ = try office.call(CoreOp.CampaignAdd.self, .init(campaign: campaign))
                return nil
            } catch {
                return error as? LoyaltyError
            }
        }
        var past = Self.vichy
        past.from = "2020-03-01T00:00"
        #expect(refusal(past)?.code == .badRequest)
        #expect(refusal(past)?.message.contains("planned ahead") == true)
        var silly = Self.vichy
        silly.multiplier = Ratio("500")
        #expect(refusal(silly)?.message.contains("between 1 and 100") == true)
        #expect(refusal(Self.vichy) == nil)
        #expect(refusal(Self.vichy)?.message.contains("already in the program") == true)
        do {
            _ = try office.call(CoreOp.CampaignCancel.self, .init(campaign: "no-such"))
            Issue.record("an unknown campaign was cancelled")
        } catch let error as LoyaltyError {
            #expect(error.code == .badRequest && error.message.contains("no campaign no-such"))
        }
        let list = try office.call(CoreOp.CampaignList.self, .init())
        #expect(list.campaigns.map(\.campaign.id) == ["vichy-march"])
        #expect(list.version == 2, "the refused ones made no version")
        #expect(core.terminate() == 0)
    }
}
