import Foundation
import LoyalgateProtocol
import LoyaltyCore
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

/// The till ops, in-process against a real SQLite file: what a till would see.
@Suite struct TillOpTests {
    @Test(arguments: StoreKind.available) func aTillEarnsRedeemsAndReturnsAndEveryRetryGetsTheFirstAnswer(
        _ kind: StoreKind
    ) async throws {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        let card = core.card("2990001", 1)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)])
        let till = InProcessCore.till

        let earn = CoreOp.TxnEarn.Parameters(
            card: card, till: "till-1", receipt: "R1",
            lines: [SaleLineInput(sku: "4006381333931", amount: "42.00")])
        let earned = try await core.ok(CoreOp.TxnEarn.self, earn, as: till)
        #expect(earned.points == 42 && earned.account.points == 42 && !earned.replayed)
        let again = try await core.ok(CoreOp.TxnEarn.self, earn, as: till)
        #expect(again.replayed && again.txn == earned.txn && again.account == earned.account)

        let redeemed = try await core.ok(
            CoreOp.TxnRedeem.self, .init(card: card, till: "till-1", receipt: "R2", points: 10), as: till)
        #expect(redeemed.points == -10 && redeemed.account.points == 32 && redeemed.redeemed?.points == 10)

        let back = try await core.ok(
            CoreOp.TxnReturn.self,
            .init(
                till: "till-1", receipt: "R3", original: .init(till: "till-1", receipt: "R1"),
                lines: [SaleLineInput(sku: "4006381333931", amount: "20.00")]), as: till)
        #expect(back.points == -20 && back.account.points == 12)

        let lookup = try await core.ok(CoreOp.CardLookup.self, .init(card: card), as: till)
        #expect(lookup.card.status == .active && lookup.account.points == 12 && lookup.customer == nil)
        #expect(try await core.verify().problems.isEmpty)
    }

    @Test(arguments: StoreKind.available) func theSameReceiptForAnotherKindOfTransactionIsRefused(_ kind: StoreKind)
        async throws
    {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        let card = core.card("2990001", 1)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)])
        _ = try await core.ok(
            CoreOp.TxnEarn.self, .init(card: card, till: "t", receipt: "R1", lines: [.init(sku: "a", amount: "5.00")]))
        #expect(
            await core.refusal(CoreOp.TxnRedeem.self, .init(card: card, till: "t", receipt: "R1", points: 1))
                == .receiptReused)
    }

    @Test(arguments: StoreKind.available) func brokenProgramRulesComeBackWithTheContractsCodes(_ kind: StoreKind)
        async throws
    {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        let card = core.card("2990001", 1)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)])
        let wrongDigit = String(card.dropLast()) + String((Int(String(card.last!))! + 1) % 10)
        #expect(await core.refusal(CoreOp.CardLookup.self, .init(card: wrongDigit)) == .invalidCardNumber)
        #expect(await core.refusal(CoreOp.CardLookup.self, .init(card: core.card("2990001", 99))) == .unknownCard)
        #expect(
            await core.refusal(CoreOp.TxnRedeem.self, .init(card: card, till: "t", receipt: "R9", points: 5))
                == .insufficientBalance)
        #expect(
            await core.refusal(CoreOp.TxnRedeem.self, .init(card: card, till: "t", receipt: "R8", reward: "no-such"))
                == .unknownReward)
        #expect(
            await core.refusal(
                CoreOp.TxnRedeem.self, .init(card: card, till: "t", receipt: "R7", points: 1, amount: "1.00"))
                == .badRequest)
        #expect(
            await core.refusal(CoreOp.TxnEarn.self, .init(card: card, till: "t", receipt: "R6", lines: []))
                == .badRequest)
        #expect(
            await core.refusal(
                CoreOp.TxnReturn.self,
                .init(
                    till: "t", receipt: "R5", original: .init(till: "t", receipt: "nope"),
                    lines: [.init(sku: "a", amount: "1.00")])) == .unknownReceipt)
    }

    @Test(arguments: StoreKind.available) func aRequestWithoutItsParametersNamesTheMissingField(_ kind: StoreKind)
        async throws
    {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        let answer = await core.answer(raw: #"{"id":"x","op":"txn.earn","card":"2990001000018","till":"t"}"#)
        #expect(answer["id"] as? String == "x" && answer["ok"] as? Bool == false)
        let error = answer["error"] as? [String: Any]
        #expect(error?["code"] as? String == "bad-request")
        #expect((error?["message"] as? String)?.contains("receipt") == true)
        let unknown = await core.answer(raw: #"{"id":2,"op":"txn.teleport"}"#)
        #expect((unknown["error"] as? [String: Any])?["code"] as? String == "unknown-op")
    }

    @Test(arguments: StoreKind.available) func historyShowsTheMerchantsOwnProgramVersionNumber(_ kind: StoreKind)
        async throws
    {
        // Two merchants: the second one's first program is row 2 of program_version, but its
        // version 1, and that is what its history must say.
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy", "bulgarian-coop"])
        let card = core.card("2910", 1)
        try await core.addCards(merchant: "coop-plovdiv", numbers: [try CardNumber(card)])
        _ = try await core.ok(
            CoreOp.TxnEarn.self,
            .init(
                merchant: "coop-plovdiv", card: card, till: "t", receipt: "R1",
                lines: [.init(sku: "a", amount: "10.00")]))
        let history = try await core.ok(CoreOp.AccountHistory.self, .init(merchant: "coop-plovdiv", card: card))
        #expect(history.entries.map(\.programVersion) == [1])
    }

    @Test(arguments: StoreKind.available) func coreStatusNamesTheCardRangesAndTheCallersRole(_ kind: StoreKind)
        async throws
    {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy", "bulgarian-coop"])
        let status = try await core.ok(CoreOp.CoreStatus.self, NoParameters(), as: InProcessCore.till)
        #expect(status.role == .till)
        #expect(status.merchants.map(\.code) == ["apotheek-de-linde", "coop-plovdiv"])
        #expect(status.merchants.map(\.cardPrefix) == ["2990001", "2910"])
        #expect(try await core.ok(CoreOp.CoreStatus.self, NoParameters()).role == .backOffice)
    }
}
