import Foundation
import LoyalgateProtocol
import LoyaltyCore
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

/// A card's life through the core's ops: issued → active → blocked → replaced.
@Suite struct CardOpTests {
    @Test(arguments: StoreKind.available) func anIssuedCardIsActivatedBlockedAndReplacedWithItsBalance(
        _ kind: StoreKind
    ) async throws {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        let card = core.card("2990001", 1)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)], status: .issued)
        let earn = CoreOp.TxnEarn.Parameters(
            card: card, till: "t", receipt: "R1", lines: [.init(sku: "a", amount: "30.00")])
        #expect(await core.refusal(CoreOp.TxnEarn.self, earn, as: InProcessCore.till) == .cardNotActive)

        let activated = try await core.ok(CoreOp.CardActivate.self, .init(card: card))
        #expect(activated.card.status == .active)
        #expect(try await core.ok(CoreOp.TxnEarn.self, earn, as: InProcessCore.till).account.points == 30)

        let blocked = try await core.ok(CoreOp.CardBlock.self, .init(card: card, reason: "stolen"))
        #expect(blocked.card.status == .blocked)
        #expect(
            await core.refusal(
                CoreOp.TxnRedeem.self, .init(card: card, till: "t", receipt: "R2", points: 1), as: InProcessCore.till)
                == .cardBlocked)

        let replaced = try await core.ok(CoreOp.CardReplace.self, .init(card: card, reason: "stolen"))
        #expect(replaced.replaced == CardView(number: card, status: .replaced))
        #expect(replaced.card.status == .active && replaced.account.points == 30)
        #expect(await core.refusal(CoreOp.CardReplace.self, .init(card: card, reason: "lost")) == .cardBlocked)
        let newCard = try await core.ok(CoreOp.CardLookup.self, .init(card: replaced.card.number))
        #expect(newCard.account.points == 30)
    }

    @Test(arguments: StoreKind.available) func householdsPoolAndSplitWithTransferEntries(_ kind: StoreKind) async throws
    {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        let (a, b) = (core.card("2990001", 1), core.card("2990001", 2))
        try await core.addCards(merchant: nil, numbers: [try CardNumber(a), try CardNumber(b)])
        _ = try await core.ok(
            CoreOp.TxnEarn.self, .init(card: b, till: "t", receipt: "R1", lines: [.init(sku: "x", amount: "7.00")]))
        let pooled = try await core.ok(CoreOp.AccountPool.self, .init(card: b, into: a))
        #expect(pooled.account.points == 7 && Set(pooled.cards.map(\.number)) == [a, b])
        let split = try await core.ok(CoreOp.AccountSplit.self, .init(card: b, points: 3))
        #expect(split.account.points == 3 && split.cards.map(\.number) == [b])
        #expect(try await core.ok(CoreOp.CardLookup.self, .init(card: a)).account.points == 4)
        #expect(try await core.verify().problems.isEmpty)
    }

    /// Belgian regulation, article 10: the lost-card and misuse fees are never taken from a
    /// discount balance still below the spend threshold (5.00); the till takes them then.
    @Test(arguments: StoreKind.available) func aFeeIsNotTakenFromADiscountBalanceBelowTheSpendThreshold(
        _ kind: StoreKind
    ) async throws {
        let core = try await InProcessCore.open(kind, programs: ["belgian-pharmacy"])
        let card = core.card("2755", 1)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)])
        func earn(_ receipt: String, _ amount: String) async throws -> TxnAnswer {
            try await core.ok(
                CoreOp.TxnEarn.self,
                .init(
                    card: card, till: "t", receipt: receipt, lines: [.init(sku: "x", amount: amount)],
                    at: "2026-11-24T10:00:00Z"), as: InProcessCore.till)
        }
        #expect(try await earn("R1", "150.00").account.balance == "3.00")
        let lost = try await core.ok(CoreOp.CardReplace.self, .init(card: card, reason: "lost"))
        #expect(lost.fee == ReplaceAnswer.Fee(amount: "2.00", paidFrom: .till))
        #expect(lost.account.balance == "3.00")

        let new = lost.card.number
        _ = try await core.ok(
            CoreOp.TxnEarn.self,
            .init(
                card: new, till: "t", receipt: "R2", lines: [.init(sku: "x", amount: "200.00")],
                at: "2026-11-24T11:00:00Z"), as: InProcessCore.till)
        let misuse = try await core.ok(CoreOp.CardReplace.self, .init(card: new, reason: "misuse"))
        #expect(misuse.fee == ReplaceAnswer.Fee(amount: "2.00", paidFrom: .balance))
        #expect(misuse.account.balance == "5.00")
        #expect(
            await core.refusal(CoreOp.CardReplace.self, .init(card: misuse.card.number, reason: "vandalism"))
                == .badRequest)
        #expect(try await core.verify().problems.isEmpty)
    }

    /// Bulgarian cooperative: members earn double from the moment the form is accepted; a sale
    /// dated before keeps the rate it was made at, and its return takes back by that rate.
    @Test(arguments: StoreKind.available) func membershipCountsFromItsTimeOnAndIsInHistory(_ kind: StoreKind)
        async throws
    {
        let core = try await InProcessCore.open(kind, programs: ["bulgarian-coop"])
        let card = core.card("2910", 1)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)])
        func earn(_ receipt: String, at: String? = nil) async throws -> TxnAnswer {
            try await core.ok(
                CoreOp.TxnEarn.self,
                .init(card: card, till: "t", receipt: receipt, lines: [.init(sku: "a", amount: "10.00")], at: at),
                as: InProcessCore.till)
        }
        let anHourAgo = Timestamp.format(Date().addingTimeInterval(-3600))
        #expect(try await earn("R1").points == 20)
        let set = try await core.ok(CoreOp.MembershipSet.self, .init(card: card, member: true))
        #expect(set.member)
        #expect(try await earn("R2").points == 40)
        #expect(try await earn("R3", at: anHourAgo).points == 20)
        let returned = try await core.ok(
            CoreOp.TxnReturn.self,
            .init(
                till: "t", receipt: "R3-RET", original: .init(till: "t", receipt: "R3"),
                lines: [.init(sku: "a", amount: "10.00")]), as: InProcessCore.till)
        #expect(returned.points == -20)
        #expect(
            await core.refusal(CoreOp.MembershipSet.self, .init(card: card, member: true), as: InProcessCore.till)
                == .forbidden)
        _ = try await core.ok(CoreOp.MembershipSet.self, .init(card: card, member: false))
        #expect(try await earn("R4").points == 20)
        let changes = try await core.ok(CoreOp.AccountHistory.self, .init(card: card)).changes ?? []
        #expect(changes.map(\.kind) == ["membership", "membership"])
        #expect(changes.map(\.member) == [false, true])
        #expect(try await core.verify().problems.isEmpty)
    }

    /// Belgian regulation, article 7: the person is taken off the card, not erased; the card
    /// keeps its balance and the till sees no customer.
    @Test(arguments: StoreKind.available) func aDetachedCardShowsNoCustomerAndTheCustomerStays(_ kind: StoreKind)
        async throws
    {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        let card = core.card("2990001", 1)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)])
        let anna = try await core.ok(
            CoreOp.CustomerRegister.self, .init(details: CustomerOpTests.anna, consents: nil, card: card))
        _ = try await core.ok(
            CoreOp.TxnEarn.self, .init(card: card, till: "t", receipt: "R1", lines: [.init(sku: "a", amount: "25.00")]),
            as: InProcessCore.till)
        _ = try await core.ok(CoreOp.CardLinkPatient.self, .init(card: card, patientRef: "P-123"))
        #expect(try await core.ok(CoreOp.CardLookup.self, .init(card: card)).customer != nil)

        let detached = try await core.ok(CoreOp.CardDetach.self, .init(card: card))
        #expect(detached.customer == nil && detached.patientRef == nil && detached.account.points == 25)
        #expect(try await core.ok(CoreOp.CardLookup.self, .init(card: card), as: InProcessCore.till).customer == nil)
        let record = try await core.ok(CoreOp.CustomerGet.self, .init(customer: anna.id))
        #expect(record.details?.name == "Anna Kuipers" && record.cards.isEmpty)
        #expect(try await core.ok(CoreOp.CustomerFind.self, .init(email: "anna@example.nl")).customers.count == 1)
        let history = try await core.ok(CoreOp.AccountHistory.self, .init(card: card))
        #expect(history.changes?.map(\.kind) == ["detach"] && history.entries.map(\.points) == [25])
        // A retry changes nothing more.
        _ = try await core.ok(CoreOp.CardDetach.self, .init(card: card))
        #expect(try await core.ok(CoreOp.AccountHistory.self, .init(card: card)).changes?.count == 1)
        #expect(try await core.ok(CoreOp.CustomerErase.self, .init(customer: anna.id)).erasedAt != nil)
        #expect(try await core.verify().problems.isEmpty)
    }
}
