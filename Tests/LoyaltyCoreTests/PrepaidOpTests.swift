import Foundation
import LoyalgateProtocol
import LoyaltyCore
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

/// Prepaid cards at the German market (examples/german-shop.json: at most 250.00 on a card), in
/// process against a real SQLite file: what the till and the back office see.
@Suite struct PrepaidOpTests {
    let till = InProcessCore.till

    func shop(_ kind: StoreKind) async throws -> (InProcessCore, String) {
        let core = try await InProcessCore.open(kind, programs: ["german-shop"])
        let card = core.card("2440001", 1)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)])
        return (core, card)
    }

    func load(_ card: String, _ amount: String, receipt: String, till: String = "kasse-1", at: String? = nil)
        -> CoreOp.PrepaidLoad.Parameters
    {
        .init(card: card, till: till, receipt: receipt, amount: amount, tender: "cash", at: at)
    }

    @Test(arguments: StoreKind.available) func aTillLoadsAndPaysAndTheMoneyNeverMixesWithPoints(_ kind: StoreKind)
        async throws
    {
        let (core, card) = try await shop(kind)
        let loaded = try await core.ok(CoreOp.PrepaidLoad.self, load(card, "50.00", receipt: "L1"), as: till)
        #expect(loaded.kind == "load" && loaded.amount == "50.00" && loaded.prepaid == "50.00")
        #expect(loaded.tender == "cash" && loaded.currency == "EUR" && !loaded.replayed)

        let paid = try await core.ok(
            CoreOp.PrepaidPay.self, .init(card: card, till: "kasse-1", receipt: "S1", amount: "12.50"), as: till)
        #expect(paid.kind == "pay" && paid.amount == "-12.50" && paid.prepaid == "37.50")

        // The same sale's receipt earns points as well: prepaid receipts are a space of their own.
        let earned = try await core.ok(
            CoreOp.TxnEarn.self,
            .init(card: card, till: "kasse-1", receipt: "S1", lines: [SaleLineInput(sku: "brot", amount: "12.50")]),
            as: till)
        #expect(earned.points == 6 && earned.account.prepaid == "37.50" && earned.account.balance == "0.00")

        let lookup = try await core.ok(CoreOp.CardLookup.self, .init(card: card), as: till)
        #expect(lookup.account.points == 6 && lookup.account.prepaid == "37.50")
        // Points cannot be spent as prepaid nor prepaid as points.
        #expect(
            await core.refusal(
                CoreOp.TxnRedeem.self, .init(card: card, till: "kasse-1", receipt: "R1", points: 7), as: till)
                == .insufficientBalance)

        let history = try await core.ok(CoreOp.AccountHistory.self, .init(card: card), as: till)
        #expect(history.entries.map(\.kind) == ["earn", "prepaid-pay", "prepaid-load"])
        #expect(history.entries.map(\.prepaid) == [nil, "-12.50", "50.00"])
        #expect(history.entries[1].points == 0 && history.entries[1].amount == "0.00")
        #expect(try await core.verify().problems.isEmpty)
    }

    @Test(arguments: StoreKind.available) func aPaymentNeverTakesTheBalanceBelowZeroAndAPartialOnePaysWhatIsThere(
        _ kind: StoreKind
    ) async throws {
        let (core, card) = try await shop(kind)
        _ = try await core.ok(CoreOp.PrepaidLoad.self, load(card, "20.00", receipt: "L1"), as: till)
        let tooMuch = await core.call(
            CoreOp.PrepaidPay.self, .init(card: card, till: "kasse-1", receipt: "S1", amount: "20.01"), as: till)
        guard case .failure(let error) = tooMuch else {
            Issue.record("paid more than the balance")
            return
        }
        #expect(error.code == .insufficientBalance && error.message.contains("20.00"))

        let partial = try await core.ok(
            CoreOp.PrepaidPay.self,
            .init(card: card, till: "kasse-1", receipt: "S2", amount: "35.00", partial: true), as: till)
        #expect(partial.amount == "-20.00" && partial.prepaid == "0.00")
        #expect(
            await core.refusal(
                CoreOp.PrepaidPay.self,
                .init(card: card, till: "kasse-1", receipt: "S3", amount: "1.00", partial: true), as: till)
                == .insufficientBalance)
        for amount in ["0.00", "-5.00", "abc", "1.001"] {
            #expect(
                await core.refusal(
                    CoreOp.PrepaidPay.self, .init(card: card, till: "kasse-1", receipt: "S4", amount: amount),
                    as: till) == .badRequest)
        }
        #expect(try await core.verify().problems.isEmpty)
    }

    @Test(arguments: StoreKind.available) func aLoadPastTheProgramsMaximumIsRefusedSayingHowMuchMayStillBeLoaded(
        _ kind: StoreKind
    ) async throws {
        let (core, card) = try await shop(kind)
        _ = try await core.ok(CoreOp.PrepaidLoad.self, load(card, "200.00", receipt: "L1"), as: till)
        let over = await core.call(CoreOp.PrepaidLoad.self, load(card, "60.00", receipt: "L2"), as: till)
        guard case .failure(let error) = over else {
            Issue.record("loaded past the maximum")
            return
        }
        #expect(error.code == .aboveMaximumBalance && error.message.contains("at most 50.00"))
        let exact = try await core.ok(CoreOp.PrepaidLoad.self, load(card, "50.00", receipt: "L3"), as: till)
        #expect(exact.prepaid == "250.00")
    }

    /// The maximum is what a card may ever hold: a payment given back after a later load would
    /// pass it, so the till refunds that payment in cash instead.
    @Test(arguments: StoreKind.available) func aPaymentIsNotGivenBackPastTheMaximum(_ kind: StoreKind) async throws {
        let (core, card) = try await shop(kind)
        _ = try await core.ok(CoreOp.PrepaidLoad.self, load(card, "250.00", receipt: "L1"), as: till)
        _ = try await core.ok(
            CoreOp.PrepaidPay.self, .init(card: card, till: "kasse-1", receipt: "S1", amount: "30.00"), as: till)
        _ = try await core.ok(CoreOp.PrepaidLoad.self, load(card, "30.00", receipt: "L2"), as: till)
        let back = await core.call(CoreOp.PrepaidReverse.self, .init(till: "kasse-1", receipt: "S1"), as: till)
        guard case .failure(let error) = back else {
            Issue.record("gave a payment back past the maximum")
            return
        }
        #expect(error.code == .aboveMaximumBalance && error.message.contains("refund the payment in cash"))
        #expect(try await core.verify().problems.isEmpty)
    }

    @Test(arguments: StoreKind.available) func retriesReplayAndAnotherRequestOnTheReceiptIsRefused(_ kind: StoreKind)
        async throws
    {
        let (core, card) = try await shop(kind)
        let first = try await core.ok(CoreOp.PrepaidLoad.self, load(card, "30", receipt: "L1"), as: till)
        // "30" and "30.00" are the same request.
        let again = try await core.ok(CoreOp.PrepaidLoad.self, load(card, "30.00", receipt: "L1"), as: till)
        #expect(again.replayed && again.txn == first.txn && again.prepaid == "30.00")
        #expect(
            await core.refusal(CoreOp.PrepaidLoad.self, load(card, "31.00", receipt: "L1"), as: till) == .receiptReused)
        #expect(
            await core.refusal(
                CoreOp.PrepaidPay.self, .init(card: card, till: "kasse-1", receipt: "L1", amount: "30.00"), as: till)
                == .receiptReused)
        let lookup = try await core.ok(CoreOp.CardLookup.self, .init(card: card), as: till)
        #expect(lookup.account.prepaid == "30.00")
    }

    @Test(arguments: StoreKind.available) func theSameTillReversesALoadOrAPaymentOnTheSameDayOnly(_ kind: StoreKind)
        async throws
    {
        let (core, card) = try await shop(kind)
        _ = try await core.ok(
            CoreOp.PrepaidLoad.self, load(card, "40.00", receipt: "L1", at: "2026-11-24T09:00:00Z"), as: till)
        _ = try await core.ok(
            CoreOp.PrepaidPay.self,
            .init(card: card, till: "kasse-1", receipt: "S1", amount: "15.00", at: "2026-11-24T10:00:00Z"), as: till)

        // Another till has no such receipt.
        #expect(
            await core.refusal(
                CoreOp.PrepaidReverse.self, .init(till: "kasse-2", receipt: "S1", at: "2026-11-24T10:05:00Z"),
                as: till) == .unknownReceipt)
        let undone = try await core.ok(
            CoreOp.PrepaidReverse.self, .init(till: "kasse-1", receipt: "S1", at: "2026-11-24T10:05:00Z"), as: till)
        #expect(undone.kind == "reverse" && undone.amount == "15.00" && undone.prepaid == "40.00")
        #expect(undone.reversed == .init(kind: "pay", amount: "-15.00"))
        let again = try await core.ok(
            CoreOp.PrepaidReverse.self, .init(till: "kasse-1", receipt: "S1", at: "2026-11-24T10:05:00Z"), as: till)
        #expect(again.replayed && again.txn == undone.txn && again.prepaid == "40.00")
        #expect(
            await core.refusal(
                CoreOp.PrepaidReverse.self, .init(till: "kasse-1", receipt: "S1", at: "2026-11-24T10:06:00Z"),
                as: till) == .reversalNotAllowed)

        // The load of 24 November (Berlin time) cannot be reversed on the 25th; 23:30 on the
        // 24th in Berlin is 22:30 UTC and still may be.
        let late = await core.call(
            CoreOp.PrepaidReverse.self, .init(till: "kasse-1", receipt: "L1", at: "2026-11-24T23:30:00Z"), as: till)
        guard case .failure(let error) = late else {
            Issue.record("reversed on the next day")
            return
        }
        #expect(error.code == .reversalNotAllowed && error.message.contains("2026-11-24"))
        let inTime = try await core.ok(
            CoreOp.PrepaidReverse.self, .init(till: "kasse-1", receipt: "L1", at: "2026-11-24T22:30:00Z"), as: till)
        #expect(inTime.amount == "-40.00" && inTime.prepaid == "0.00" && inTime.reversed?.kind == "load")
        #expect(try await core.verify().problems.isEmpty)
    }

    @Test(arguments: StoreKind.available) func aLoadAlreadySpentCannotBeReversed(_ kind: StoreKind) async throws {
        let (core, card) = try await shop(kind)
        _ = try await core.ok(
            CoreOp.PrepaidLoad.self, load(card, "40.00", receipt: "L1", at: "2026-11-24T09:00:00Z"), as: till)
        _ = try await core.ok(
            CoreOp.PrepaidPay.self,
            .init(card: card, till: "kasse-1", receipt: "S1", amount: "15.00", at: "2026-11-24T10:00:00Z"), as: till)
        #expect(
            await core.refusal(
                CoreOp.PrepaidReverse.self, .init(till: "kasse-1", receipt: "L1", at: "2026-11-24T11:00:00Z"),
                as: till) == .insufficientBalance)
    }

    @Test(arguments: StoreKind.available) func theBackOfficeSeesTheOutstandingPrepaidBalanceAsALiability(
        _ kind: StoreKind
    ) async throws {
        let (core, card) = try await shop(kind)
        let other = core.card("2440001", 2)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(other)])
        _ = try await core.ok(CoreOp.PrepaidLoad.self, load(card, "100.00", receipt: "L1"), as: till)
        _ = try await core.ok(CoreOp.PrepaidLoad.self, load(other, "25.50", receipt: "L2"), as: till)
        _ = try await core.ok(
            CoreOp.PrepaidPay.self, .init(card: card, till: "kasse-1", receipt: "S1", amount: "30.00"), as: till)
        let liability = try await core.ok(CoreOp.PrepaidLiability.self, .init())
        #expect(
            liability
                == PrepaidLiabilityAnswer(
                    merchant: "markt-lindenhof", currency: "EUR", outstanding: "95.50", accounts: 2, loaded: "125.50",
                    paid: "30.00"))
        // A till does not see the merchant's books.
        #expect(await core.refusal(CoreOp.PrepaidLiability.self, .init(), as: till) == .forbidden)
    }

    @Test(arguments: StoreKind.available) func aShopThatSellsNoPrepaidRefusesALoad(_ kind: StoreKind) async throws {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        let card = core.card("2990001", 1)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)])
        let refused = await core.call(CoreOp.PrepaidLoad.self, load(card, "10.00", receipt: "L1"), as: till)
        guard case .failure(let error) = refused else {
            Issue.record("loaded")
            return
        }
        #expect(error.code == .badRequest && error.message.contains("sells no prepaid"))
    }

    @Test(arguments: StoreKind.available) func aPooledCardTakesItsPrepaidMoneyAlongAsPrepaid(_ kind: StoreKind)
        async throws
    {
        let (core, card) = try await shop(kind)
        let other = core.card("2440001", 2)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(other)])
        _ = try await core.ok(CoreOp.PrepaidLoad.self, load(card, "10.00", receipt: "L1"), as: till)
        let pooled = try await core.ok(CoreOp.AccountPool.self, .init(card: card, into: other))
        #expect(pooled.account.prepaid == "10.00" && pooled.account.balance == "0.00")
        #expect(try await core.verify().problems.isEmpty)
    }

    @Test(arguments: StoreKind.available) func aCardTypedWithSpacesOrDashesIsTheSameCard(_ kind: StoreKind) async throws
    {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        try await core.addCards(merchant: nil, numbers: [try CardNumber("2990001000018")])
        let spaced = try await core.ok(CoreOp.CardLookup.self, .init(card: "2990 0010 0001 8"), as: till)
        #expect(spaced.card.number == "2990001000018")
        let earned = try await core.ok(
            CoreOp.TxnEarn.self,
            .init(card: "2990-0010-0001-8", till: "t", receipt: "R1", lines: [SaleLineInput(sku: "x", amount: "5.00")]),
            as: till)
        #expect(earned.card == "2990001000018" && earned.points == 5)
        // The typed and the plain spelling are one request: a retry replays.
        let retry = try await core.ok(
            CoreOp.TxnEarn.self,
            .init(card: "2990001000018", till: "t", receipt: "R1", lines: [SaleLineInput(sku: "x", amount: "5.00")]),
            as: till)
        #expect(retry.replayed)
        #expect(
            await core.refusal(CoreOp.CardLookup.self, .init(card: "2990_0010_0001_8"), as: till)
                == .invalidCardNumber)
    }
}

/// Closed hours close the card (Belgian regulation, article 15): at the Belgian pharmacy
/// (examples/belgian-pharmacy.json: Sundays, the BE holidays, after 19:00) nothing is spent then.
@Suite struct ClosedCardTests {
    @Test(arguments: StoreKind.available) func aRedeemOnABelgianSundayOrHolidayIsRefusedWithTheSentence(
        _ kind: StoreKind
    ) async throws {
        let core = try await InProcessCore.open(kind, programs: ["belgian-pharmacy"])
        let card = core.card("2755", 1)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)])
        _ = try await core.ok(
            CoreOp.TxnEarn.self,
            .init(
                card: card, till: "t", receipt: "R1", lines: [SaleLineInput(sku: "x", amount: "400.00")],
                at: "2026-11-24T10:00:00Z"), as: InProcessCore.till)
        for (receipt, at, words) in [
            ("R2", "2026-11-29T10:00:00Z", "Sundays"), ("R3", "2026-05-25T10:00:00Z", "Whit Monday"),
            ("R4", "2026-11-24T18:30:00Z", "after 19:00"),
        ] {
            let refused = await core.call(
                CoreOp.TxnRedeem.self,
                .init(card: card, till: "t", receipt: receipt, amount: "5.00", purchaseTotal: "20.00", at: at),
                as: InProcessCore.till)
            guard case .failure(let error) = refused else {
                Issue.record("redeemed at \(at)")
                continue
            }
            #expect(error.code == .programClosed && error.message.contains(words), "\(error)")
        }
        let open = try await core.ok(
            CoreOp.TxnRedeem.self,
            .init(
                card: card, till: "t", receipt: "R5", amount: "5.00", purchaseTotal: "20.00",
                at: "2026-11-24T10:30:00Z"), as: InProcessCore.till)
        #expect(open.discount == "-5.00")
    }
}
