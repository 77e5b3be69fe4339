import Foundation
import LoyalgateProtocol
import LoyaltyCore
import LoyaltyDomain
import LoyaltyStore
import Testing

/// A card's life through the core's ops: issued → active → blocked → replaced.
@Suite struct CardOpTests {
    @Test func anIssuedCardIsActivatedBlockedAndReplacedWithItsBalance() async throws {
        let core = try InProcessCore(programs: ["dutch-pharmacy"])
        let card = core.card("2990001", 1)
        try core.store.addCards(merchant: nil, numbers: [try CardNumber(card)], status: .issued)
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

    @Test func householdsPoolAndSplitWithTransferEntries() async throws {
        let core = try InProcessCore(programs: ["dutch-pharmacy"])
        let (a, b) = (core.card("2990001", 1), core.card("2990001", 2))
        try core.store.addCards(merchant: nil, numbers: [try CardNumber(a), try CardNumber(b)])
        _ = try await core.ok(
            CoreOp.TxnEarn.self, .init(card: b, till: "t", receipt: "R1", lines: [.init(sku: "x", amount: "7.00")]))
        let pooled = try await core.ok(CoreOp.AccountPool.self, .init(card: b, into: a))
        #expect(pooled.account.points == 7 && Set(pooled.cards.map(\.number)) == [a, b])
        let split = try await core.ok(CoreOp.AccountSplit.self, .init(card: b, points: 3))
        #expect(split.account.points == 3 && split.cards.map(\.number) == [b])
        #expect(try await core.ok(CoreOp.CardLookup.self, .init(card: a)).account.points == 4)
        #expect(try core.store.verify().problems.isEmpty)
    }
}
