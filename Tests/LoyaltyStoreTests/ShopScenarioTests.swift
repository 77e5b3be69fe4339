import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

/// The three shops of the loyalty core, end to end on a real SQLite file.
@Suite struct ShopScenarioTests {
    // MARK: Dutch pharmacy

    @Test(arguments: StoreKind.available) func dutchPharmacyEarnsAndRedeemsForAReward(_ kind: StoreKind) async throws {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let card = ledger.card("2990001", 1)
        try await ledger.addCard(card)

        let earned = try await ledger.earn(
            card, receipt: "R1", [SaleLineInput(sku: "a", amount: "99.99"), SaleLineInput(sku: "b", amount: "20.50")])
        #expect(earned.points == 120)
        #expect(earned.account.points == 120)

        let reward = try await ledger.redeem(card, receipt: "R2", reward: "REWARD-HANDCREAM")
        #expect(reward.redeemed?.reward?.name == "Hand cream 50 ml")
        #expect(reward.points == -100)
        #expect(reward.account.points == 20)

        #expect(
            await errorCode { try await ledger.redeem(card, receipt: "R3", reward: "REWARD-TOTEBAG") }
                == .insufficientBalance)
        #expect(await errorCode { try await ledger.redeem(card, receipt: "R4", reward: "NOPE") } == .unknownReward)
        #expect(try await ledger.verify().problems.isEmpty)
        await ledger.close()
    }

    @Test(arguments: StoreKind.available) func aRetriedEarnGetsTheFirstAnswerAndChangesNothing(_ kind: StoreKind)
        async throws
    {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let card = ledger.card("2990001", 2)
        try await ledger.addCard(card)
        let first = try await ledger.earn(card, receipt: "R1", [SaleLineInput(sku: "a", amount: "10.00")])
        let again = try await ledger.earn(card, receipt: "R1", [SaleLineInput(sku: "a", amount: "10.00")])
        #expect(first.replayed == false)
        #expect(again.replayed == true)
        #expect(again.txn == first.txn)
        #expect(again.account == first.account)
        #expect(try await ledger.store.lookup(merchant: nil, card: card).account.points == 10)
        // The same receipt number used for a different kind of transaction is a till bug, said plainly.
        #expect(await errorCode { try await ledger.redeem(card, receipt: "R1", points: 1) } == .receiptReused)
        await ledger.close()
    }

    @Test(arguments: StoreKind.available) func cardStatesAndNumbersGiveTheContractsErrors(_ kind: StoreKind)
        async throws
    {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let issued = ledger.card("2990001", 3)
        try await ledger.addCard(issued, status: .issued)
        #expect(
            await errorCode { try await ledger.earn(issued, receipt: "R1", [SaleLineInput(sku: "a", amount: "1.00")]) }
                == .cardNotActive)
        let mistyped = String(issued.dropLast()) + String((Int(String(issued.last!))! + 1) % 10)
        #expect(
            await errorCode {
                try await ledger.earn(mistyped, receipt: "R2", [SaleLineInput(sku: "a", amount: "1.00")])
            } == .invalidCardNumber)
        #expect(
            await errorCode {
                try await ledger.earn(
                    ledger.card("2990001", 4), receipt: "R3", [SaleLineInput(sku: "a", amount: "1.00")])
            } == .unknownCard)
        #expect(
            await errorCode { try await ledger.earn(issued, receipt: "R4", [SaleLineInput(sku: "a", amount: "1.005")]) }
                == .badRequest)
        await ledger.close()
    }

    // MARK: Bulgarian cooperative

    @Test(arguments: StoreKind.available) func coopMemberBuyingOwnBrandEarnsFourfoldAndSpendsOnTheCatalog(
        _ kind: StoreKind
    ) async throws {
        let ledger = try await StoreLedger.open(kind, programs: ["bulgarian-coop"])
        let member = ledger.card("2910", 1)
        let guest = ledger.card("2910", 2)
        try await ledger.addCard(member, member: true)
        try await ledger.addCard(guest)
        let basket = [
            SaleLineInput(sku: "coop-oil", amount: "15.00", brand: "Coop"),
            SaleLineInput(sku: "cola", amount: "15.00", brand: "Cola"),
        ]
        // 30 lv at 1 point per 0.50: guest 30 + 30 x 2 = 90; member (x2 everything, x4 own brand) = 120 + 60 = 180.
        #expect(try await ledger.earn(guest, receipt: "G1", basket).points == 90)
        #expect(try await ledger.earn(member, receipt: "M1", basket).points == 180)
        let oil = try await ledger.redeem(member, receipt: "M2", reward: "R-SUNFLOWER-OIL")
        #expect(oil.account.points == 60)
        #expect(
            await errorCode { try await ledger.redeem(member, receipt: "M3", reward: "R-HONEY") }
                == .insufficientBalance)
        await ledger.close()
    }

    // MARK: Belgian pharmacies

    @Test(arguments: StoreKind.available) func belgianDiscountIsSpendableFromFiveEuroAndNeverAsCash(_ kind: StoreKind)
        async throws
    {
        let ledger = try await StoreLedger.open(kind, programs: ["belgian-pharmacy"])
        let card = ledger.card("2755", 1)
        // The shared anonymous card: never registered here, enrolled on its first earn.
        let first = try await ledger.earn(
            card, receipt: "R1",
            [
                SaleLineInput(sku: "insulin", amount: "80.00", category: "reimbursed-medicine"),
                SaleLineInput(sku: "sunscreen", amount: "60.00", category: "cosmetics"),
            ])
        #expect(first.discount == "3.00")
        #expect(
            await errorCode {
                try await ledger.redeem(
                    card, receipt: "R2", amount: "3.00", purchaseTotal: "20.00", at: "2026-11-24T10:00:00Z")
            }
                == .belowThreshold)

        let second = try await ledger.earn(
            card, receipt: "R3", [SaleLineInput(sku: "cream", amount: "50.00", category: "cosmetics")])
        #expect(second.account.balance == "5.50")
        #expect(
            await errorCode {
                try await ledger.redeem(card, receipt: "R4", amount: "5.50", cash: true, at: "2026-11-24T10:00:00Z")
            }
                == .cashOutNotAllowed)
        #expect(
            await errorCode {
                try await ledger.redeem(
                    card, receipt: "R5", amount: "5.50", purchaseTotal: "4.00", at: "2026-11-24T10:00:00Z")
            }
                == .cashOutNotAllowed)
        #expect(
            await errorCode { try await ledger.redeem(card, receipt: "R6", amount: "5.50", at: "2026-11-24T10:00:00Z") }
                == .cashOutNotAllowed)
        #expect(
            await errorCode {
                try await ledger.redeem(
                    card, receipt: "R7", amount: "6.00", purchaseTotal: "40.00", at: "2026-11-24T10:00:00Z")
            }
                == .insufficientBalance)
        let paid = try await ledger.redeem(
            card, receipt: "R8", amount: "5.00", purchaseTotal: "12.40", at: "2026-11-24T10:00:00Z")
        #expect(paid.account.balance == "0.50")
        #expect(paid.discount == "-5.00")
        await ledger.close()
    }

    @Test(arguments: StoreKind.available) func belgianCardEarnsNothingWhenTheProgramIsClosed(_ kind: StoreKind)
        async throws
    {
        let ledger = try await StoreLedger.open(kind, programs: ["belgian-pharmacy"])
        let card = ledger.card("2755", 2)
        let cream = [SaleLineInput(sku: "cream", amount: "50.00", category: "cosmetics")]
        // Sunday, 19:30 local on a weekday, the Armistice holiday, the on-duty night of 27-28 November.
        for (receipt, at) in [
            ("S", "2026-11-22T10:00:00Z"), ("E", "2026-11-24T18:30:00Z"),
            ("H", "2026-11-11T10:00:00Z"), ("D", "2026-11-28T06:00:00Z"),
        ] {
            #expect(await errorCode { try await ledger.earn(card, receipt: receipt, at: at, cream) } == .programClosed)
        }
        #expect(try await ledger.earn(card, receipt: "OPEN", at: "2026-11-24T17:30:00Z", cream).discount == "2.50")
        await ledger.close()
    }

    @Test(arguments: StoreKind.available) func pharmacyABalanceIsInvisibleToPharmacyB(_ kind: StoreKind) async throws {
        let ledger = try await StoreLedger.open(kind, programs: ["belgian-pharmacy"])
        var second = try TestLedger.program("belgian-pharmacy")
        second.merchant.code = "pharmacie-b"
        second.merchant.name = "Pharmacie de la Gare"
        _ = try await ledger.importProgram(second)
        let card = ledger.card("2755", 3)
        _ = try await ledger.earn(
            card, receipt: "A1", merchant: "pharmacie-a",
            [SaleLineInput(sku: "cream", amount: "100.00", category: "cosmetics")])
        let atA = try await ledger.store.lookup(merchant: "pharmacie-a", card: card)
        let atB = try await ledger.store.lookup(merchant: "pharmacie-b", card: card)
        #expect(atA.account.balance == "5.00")
        #expect(atB.account.balance == "0.00")
        #expect(
            await errorCode {
                try await ledger.redeem(
                    card, receipt: "B1", merchant: "pharmacie-b", amount: "5.00", purchaseTotal: "10.00",
                    at: "2026-11-24T10:00:00Z")
            } == .unknownCard)
        #expect(
            await errorCode { try await ledger.store.history(merchant: "pharmacie-b", card: card, limit: 10) }
                == .unknownCard)
        // With two merchants in the core, a request that names none is refused rather than guessed.
        #expect(await errorCode { try await ledger.store.lookup(merchant: nil, card: card) } == .badRequest)
        await ledger.close()
    }
}
