import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

/// An earn works out its lines and digest before its transaction, with the merchant it last
/// saw for the same name; the merchant read in the transaction must still decide.
@Suite struct EarnMerchantTests {
    @Test(arguments: StoreKind.available) func anEarnWithoutMerchantIsRefusedOnceASecondMerchantIsSetUp(
        _ kind: StoreKind
    ) async throws {
        let ledger = try await StoreLedger.open(kind, programs: ["bulgarian-coop"])
        let card = ledger.card("2910", 1)
        try await ledger.addCard(card)
        let lines = [SaleLineInput(sku: "1", amount: "10.00")]
        let first = try await ledger.earn(card, receipt: "r1", lines)
        #expect(first.points > 0)

        _ = try await ledger.importProgram(try TestLedger.program("german-shop"))
        // The single-merchant shortcut no longer applies: the till must say which merchant.
        #expect(await errorCode { try await ledger.earn(card, receipt: "r2", lines) } == .badRequest)
        let named = try await ledger.earn(card, receipt: "r2", merchant: "coop-plovdiv", lines)
        #expect(named.points == first.points)
        // The refused earn left nothing behind: r2 was first answered now, not replayed.
        #expect(!named.replayed)
        await ledger.close()
    }
}
