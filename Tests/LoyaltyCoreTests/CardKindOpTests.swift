import Foundation
import LoyalgateProtocol
import LoyaltyCore
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

/// Vouchers, stamps and quotes through the core's handlers, as tills bound to one merchant meet
/// them: another merchant's vouchers stay out of reach.
@Suite struct CardKindOpTests {
    @Test(arguments: StoreKind.available) func aTillBoundToOneShopCannotIssueOrSpendAnothersVouchers(_ kind: StoreKind)
        async throws
    {
        let policy = AccessPolicy(callers: [.init(uid: 5000, role: .till, merchant: "markt-lindenhof")])
        let core = try await InProcessCore.open(kind, programs: ["german-shop", "bulgarian-coop"], policy: policy)
        let till = InProcessCore.till
        #expect(
            await core.refusal(
                CoreOp.VoucherIssue.self,
                .init(merchant: "coop-plovdiv", till: "k1", receipt: "V1", kind: .value, amount: "5.00"), as: till)
                == .forbidden)
        let coops = try await core.ok(
            CoreOp.VoucherIssue.self,
            .init(merchant: "coop-plovdiv", till: "k1", receipt: "V1", kind: .value, amount: "5.00"))
        // Scanned at the German market: its own merchant's voucher space, where the coop's is foreign.
        let lookup = await core.answer(
            raw: #"{"id":1,"op":"voucher.lookup","code":"\#(coops.voucher.code)"}"#, as: till)
        let error = lookup["error"] as? [String: Any]
        #expect(error?["code"] as? String == "unknown-voucher")
        #expect(
            error?["message"] as? String
                == "Voucher \(coops.voucher.code) is another shop's voucher: it cannot be used at Markt Lindenhof.")
        #expect(
            await core.refusal(
                CoreOp.VoucherRedeem.self, .init(code: coops.voucher.code, till: "k1", receipt: "B1"), as: till)
                == .unknownVoucher)
        // Its own vouchers work, typed as printed in groups.
        let own = try await core.ok(
            CoreOp.VoucherIssue.self, .init(till: "k1", receipt: "V2", kind: .item, sku: "4001234000019"), as: till)
        let code = own.voucher.code
        let typed = "\(code.prefix(4)) \(code.dropFirst(4).prefix(4)) \(code.dropFirst(8).prefix(4)) \(code.suffix(1))"
        let used = try await core.ok(CoreOp.VoucherRedeem.self, .init(code: typed, till: "k1", receipt: "B2"), as: till)
        #expect(used.voucher.state == "spent" && used.discount == "0.00")
    }

    @Test(arguments: StoreKind.available) func aQuoteForABlockedCardIsRefusedAndOneWithoutPricesIsEmpty(
        _ kind: StoreKind
    ) async throws {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        let card = core.card("2990001", 3)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)], status: .blocked)
        let lines = [SaleLineInput(sku: "a", amount: "4.00")]
        #expect(
            await core.refusal(CoreOp.TxnQuote.self, .init(card: card, lines: lines), as: InProcessCore.till)
                == .cardBlocked)
        let other = core.card("2990001", 4)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(other)])
        let quote = try await core.ok(CoreOp.TxnQuote.self, .init(card: other, lines: lines), as: InProcessCore.till)
        #expect(quote.lines.isEmpty && quote.discount == "0.00")
    }
}
