import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

/// A card's life on either store: a blank activated, a lost card blocked, its balance moved
/// to a replacement with the program's fee in the ledger.
@Suite struct StoreCardLifeTests {
    @Test(arguments: StoreKind.available) func aLostCardIsBlockedAndReplacedWithItsBalance(_ kind: StoreKind)
        async throws
    {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let (card, blank) = (ledger.card("2990001", 1), ledger.card("2990001", 2))
        try await ledger.addCard(card)
        try await ledger.addCard(blank, status: .issued)
        _ = try await ledger.earn(card, receipt: "R1", [SaleLineInput(sku: "a", amount: "42.00")])
        #expect(
            await errorCode { try await ledger.earn(blank, receipt: "R2", [SaleLineInput(sku: "a", amount: "1.00")]) }
                == .cardNotActive)
        let blocked = try await ledger.store.block(merchant: nil, card: card, reason: "lost")
        #expect(blocked.card.status == .blocked)
        #expect(
            await errorCode { try await ledger.earn(card, receipt: "R3", [SaleLineInput(sku: "a", amount: "1.00")]) }
                == .cardBlocked)
        let replaced = try await ledger.store.replace(merchant: nil, card: card, reason: "lost", newCard: blank)
        #expect(replaced.card.number == blank && replaced.replaced.status == .replaced)
        #expect(replaced.account.points == 42)
        #expect(
            try await ledger.earn(blank, receipt: "R4", [SaleLineInput(sku: "a", amount: "8.00")]).account.points == 50)
        let next = try await ledger.store.replace(merchant: nil, card: blank, reason: "worn", newCard: nil)
        #expect(next.card.number == ledger.card("2990001", 0) && next.account.points == 50)
        let activated = try await ledger.store.activate(
            merchant: nil, card: next.card.number, customer: nil, at: Date())
        #expect(activated.card.status == .active)
        #expect(try await ledger.verify().problems.isEmpty)
        await ledger.close()
    }
}
