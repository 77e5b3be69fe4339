import Foundation
import LoyalgateProtocol
import LoyaltyCore
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

/// Roles and merchants: each caller sees only what its role and merchant allow.
@Suite struct AccessTests {
    @Test func everyOpTheContractListsHasAHandlerAndNoOtherOpExists() {
        #expect(CoreService.opNames == Set(CoreOp.all.map { $0.name }))
        #expect(CoreOp.all.count == CoreService.opNames.count)
    }

    @Test(arguments: CoreOp.all.filter { $0.role == .backOffice }.map { $0.name })
    func aTillIsRefusedEveryBackOfficeOp(op: String) async throws {
        let core = try InProcessCore(programs: ["dutch-pharmacy"])
        // The parameters do not matter: the role is checked before they are read.
        let answer = await core.answer(
            raw: #"{"id":1,"op":"\#(op)","card":"2990001000018","customer":1}"#, as: InProcessCore.till)
        #expect((answer["error"] as? [String: Any])?["code"] as? String == "forbidden")
    }

    @Test(arguments: StoreKind.available) func aTillBoundToOneMerchantCannotReachAnothers(_ kind: StoreKind)
        async throws
    {
        let policy = AccessPolicy(callers: [.init(uid: 5000, role: .till, merchant: "apotheek-de-linde")])
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy", "bulgarian-coop"], policy: policy)
        let coopCard = core.card("2910", 1)
        try await core.addCards(merchant: "coop-plovdiv", numbers: [try CardNumber(coopCard)])
        #expect(
            await core.refusal(
                CoreOp.CardLookup.self, .init(merchant: "coop-plovdiv", card: coopCard), as: InProcessCore.till)
                == .forbidden)
        // Without naming a merchant it acts for its own, where the coop's card is unknown.
        #expect(
            await core.refusal(CoreOp.CardLookup.self, .init(card: coopCard), as: InProcessCore.till) == .unknownCard)
        let status = try await core.ok(CoreOp.CoreStatus.self, NoParameters(), as: InProcessCore.till)
        #expect(status.merchants.map(\.code) == ["apotheek-de-linde"])
    }

    @Test(arguments: StoreKind.available) func aTillFindsACustomerButSeesOnlyTheDisplayName(_ kind: StoreKind)
        async throws
    {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        let card = core.card("2990001", 1)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)])
        let record = try await core.ok(
            CoreOp.CustomerRegister.self,
            .init(
                details: CustomerDetails(name: "Anna Kuipers", address: "Lindelaan 4", phone: "+31 6 1234 5678"),
                card: card))
        #expect(record.details?.address == "Lindelaan 4")
        let found = try await core.ok(CoreOp.CustomerFind.self, .init(phone: "+31 612 345 678"), as: InProcessCore.till)
        #expect(found.customers.map(\.displayName) == ["Anna K."])
        #expect(
            await core.refusal(CoreOp.CustomerGet.self, .init(customer: record.id), as: InProcessCore.till)
                == .forbidden)
    }
}
