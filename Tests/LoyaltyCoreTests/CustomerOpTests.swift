import Foundation
import LoyalgateProtocol
import LoyaltyCore
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

/// Personal data through the core's ops: what the back office sees, changes, exports and erases.
@Suite struct CustomerOpTests {
    static let anna = CustomerDetails(
        name: "Anna Kuipers", address: "Lindelaan 4", postcode: "1234 AB", email: "anna@example.nl",
        phone: "+31 6 1234 5678", birthDate: "1980-04-30", gender: "f")

    @Test(arguments: StoreKind.available) func aCustomerIsRegisteredUpdatedExportedAndErasedWhileTheBalanceStays(
        _ kind: StoreKind
    ) async throws {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        let card = core.card("2990001", 1)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)])
        let registered = try await core.ok(
            CoreOp.CustomerRegister.self,
            .init(
                details: Self.anna, consents: Consents(mail: true, profiling: false), card: card))
        #expect(
            registered.displayName == "Anna K." && registered.consents.mail && registered.cards.map(\.number) == [card])

        let updated = try await core.ok(
            CoreOp.CustomerUpdate.self, .init(customer: registered.id, details: CustomerPatch(address: "Eikenlaan 9")))
        #expect(updated.details?.address == "Eikenlaan 9" && updated.details?.name == "Anna Kuipers")
        #expect(try await core.ok(CoreOp.CustomerGet.self, .init(customer: registered.id)) == updated)

        _ = try await core.ok(
            CoreOp.TxnEarn.self, .init(card: card, till: "t", receipt: "R1", lines: [.init(sku: "a", amount: "25.00")]))
        let export = try await core.ok(CoreOp.CustomerExport.self, .init(customer: registered.id))
        #expect(export.merchant == "apotheek-de-linde" && export.customer.id == registered.id)
        #expect(export.ledger.map(\.points) == [25])

        let erased = try await core.ok(CoreOp.CustomerErase.self, .init(customer: registered.id))
        #expect(erased.details == nil && erased.erasedAt != nil)
        #expect(try await core.ok(CoreOp.CardLookup.self, .init(card: card)).account.points == 25)
        #expect(try await core.ok(CoreOp.CustomerFind.self, .init(email: "anna@example.nl")).customers.isEmpty)
        #expect(
            await core.refusal(
                CoreOp.CustomerUpdate.self, .init(customer: registered.id, details: CustomerPatch(name: "X")))
                == .badRequest)
    }

    @Test(arguments: StoreKind.available) func aBadEmailIsRefusedAndNothingIsRegistered(_ kind: StoreKind) async throws
    {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        var details = Self.anna
        details.email = "not-an-address"
        #expect(await core.refusal(CoreOp.CustomerRegister.self, .init(details: details)) == .badRequest)
        #expect(try await core.ok(CoreOp.CustomerFind.self, .init(phone: "+31 6 1234 5678")).customers.isEmpty)
    }

    @Test(arguments: StoreKind.available) func aPatientReferenceIsShownToItsOwnMerchantOnly(_ kind: StoreKind)
        async throws
    {
        // The till is bound to the pharmacy: health data needs a binding (HostileRequestTests).
        let core = try await InProcessCore.open(
            kind, programs: ["dutch-pharmacy"],
            policy: AccessPolicy(callers: [.init(uid: 5000, role: .till, merchant: "apotheek-de-linde")]))
        let card = core.card("2990001", 1)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)])
        let linked = try await core.ok(CoreOp.CardLinkPatient.self, .init(card: card, patientRef: "PAT-0042"))
        #expect(linked.patientRef == "PAT-0042")
        #expect(
            try await core.ok(CoreOp.CardLookup.self, .init(card: card), as: InProcessCore.till).patientRef
                == "PAT-0042")
        let unlinked = try await core.ok(CoreOp.CardLinkPatient.self, .init(card: card, patientRef: nil))
        #expect(unlinked.patientRef == nil)
    }

    @Test(arguments: StoreKind.available) func theRewardCatalogIsTheCurrentPrograms(_ kind: StoreKind) async throws {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        let rewards = try await core.ok(CoreOp.ProgramRewards.self, .init(), as: InProcessCore.till)
        #expect(!rewards.rewards.isEmpty)
        let card = core.card("2990001", 1)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)])
        let cheapest = try #require(rewards.rewards.min { $0.points < $1.points })
        _ = try await core.ok(
            CoreOp.TxnEarn.self,
            .init(
                card: card, till: "t", receipt: "R1",
                lines: [.init(sku: "a", amount: "\(cheapest.points).00")]))
        let bought = try await core.ok(
            CoreOp.TxnRedeem.self, .init(card: card, till: "t", receipt: "R2", reward: cheapest.sku))
        #expect(bought.redeemed?.reward == cheapest && bought.account.points == 0)
    }
}
