import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

/// Stamps, vouchers and cardholder prices in a real ledger: the German market's coffee card and
/// cardholder prices (examples/german-shop.json), the Bulgarian cooperative's members' rates. On
/// both stores (`StoreKind`).
@Suite struct CardKindLedgerTests {
    static let at = "2026-11-24T10:00:00Z"

    static func coffee(_ sku: String = "latte", _ amount: String = "2.50", qty: Int? = nil) -> SaleLineInput {
        SaleLineInput(sku: sku, amount: amount, qty: qty, category: "coffee")
    }

    @Test(arguments: StoreKind.available) func stampsComeWithTheEarnOnceAndGoBackWithTheReturn(_ kind: StoreKind)
        async throws
    {
        let ledger = try await StoreLedger.open(kind, programs: ["german-shop"])
        defer { Task { await ledger.close() } }
        let card = ledger.card("2440001", 1)
        try await ledger.addCard(card)
        let sale = try await ledger.earn(card, receipt: "S1", [Self.coffee("latte", "7.50", qty: 3)])
        #expect(sale.stamps == 3)
        #expect(sale.account.stamps == 3)
        // A retry gives nothing twice.
        let again = try await ledger.earn(card, receipt: "S1", [Self.coffee("latte", "7.50", qty: 3)])
        #expect(again.replayed && again.stamps == 3)
        var lookup = try await ledger.store.lookup(merchant: nil, card: card)
        #expect(lookup.stampCard?.stamps == 3 && lookup.stampCard?.needed == 10 && lookup.stampCard?.rewards == 0)
        let back = try await ledger.giveBack(receipt: "R1", original: "S1", [Self.coffee("latte", "2.50", qty: 1)])
        #expect(back.stamps == -1)
        lookup = try await ledger.store.lookup(merchant: nil, card: card)
        #expect(lookup.account.stamps == 2)
        let history = try await ledger.store.history(merchant: nil, card: card, limit: 10)
        #expect(history.entries.map(\.kind) == ["stamp-return", "return", "stamp-earn", "earn"])
        #expect(history.entries.map(\.stamps) == [-1, nil, 3, nil])
        #expect(try await ledger.verify().problems.isEmpty)
        // The shop's export shows the stamps in a column of their own.
        let rows = try await ledger.store.exportPage(merchant: nil, kind: .ledger, after: 0, limit: 100).csv
            .split(separator: "\n").map(String.init)
        #expect(rows.first?.hasSuffix(",prepaid,stamps,sale_lines") == true, "\(rows)")
        // Stamp entries have no sale lines of their own: the stamps are the column before the last.
        #expect(
            rows.filter { $0.contains(",stamp-") }.map {
                $0.split(separator: ",", omittingEmptySubsequences: false).dropLast().last
            } == ["3", "-1"], "\(rows)")
    }

    @Test(arguments: StoreKind.available) func aFullCardTurnsIntoTheRewardOnceAndAnEmptyOneSaysHowManyMoreToGo(
        _ kind: StoreKind
    ) async throws {
        let ledger = try await StoreLedger.open(kind, programs: ["german-shop"])
        defer { Task { await ledger.close() } }
        let card = ledger.card("2440001", 2)
        try await ledger.addCard(card)
        do {
            _ = try await ledger.store.stampsRedeem(.init(card: card, till: "k1", receipt: "X0", at: Self.at))
            Issue.record("redeemed with no stamps")
        } catch let violation as RuleViolation {
            #expect(violation.rule == .insufficientBalance)
            #expect(violation.message.contains("has 0 of the 10 stamps for Gratis Kaffee: 10 more to go"))
        }
        _ = try await ledger.earn(card, receipt: "S1", [Self.coffee("latte", "30.00", qty: 12)])
        let reward = try await ledger.store.stampsRedeem(.init(card: card, till: "k1", receipt: "X1", at: Self.at))
        #expect(reward.stamps == -10 && reward.balance == 2 && reward.reward.sku == "4001234000019")
        let retry = try await ledger.store.stampsRedeem(.init(card: card, till: "k1", receipt: "X1", at: Self.at))
        #expect(retry.replayed && retry.txn == reward.txn)
        #expect(try await ledger.store.lookup(merchant: nil, card: card).account.stamps == 2)
        // The stamps of the sale were spent: returning it all takes back what is left.
        let back = try await ledger.giveBack(receipt: "R1", original: "S1", [Self.coffee("latte", "30.00", qty: 12)])
        #expect(back.stamps == -2)
        #expect(try await ledger.store.lookup(merchant: nil, card: card).account.stamps == nil)
        #expect(try await ledger.verify().problems.isEmpty)
    }

    @Test(arguments: StoreKind.available) func aVoucherIsSpentOnceWhateverTheRetries(_ kind: StoreKind) async throws {
        let ledger = try await StoreLedger.open(kind, programs: ["german-shop"])
        defer { Task { await ledger.close() } }
        let card = ledger.card("2440001", 3)
        try await ledger.addCard(card)
        let issued = try await ledger.store.voucherIssue(
            .init(
                card: card, till: "k1", receipt: "V1", kind: .value, amount: "5.00", validUntil: "2026-12-31",
                minimumPurchase: "20.00", at: Self.at))
        #expect(VoucherCode.isVoucher(issued.voucher.code))
        #expect(issued.voucher.state == "valid" && issued.voucher.card == card)
        let reissued = try await ledger.store.voucherIssue(
            .init(
                card: card, till: "k1", receipt: "V1", kind: .value, amount: "5.00", validUntil: "2026-12-31",
                minimumPurchase: "20.00", at: Self.at))
        #expect(reissued.replayed && reissued.voucher.code == issued.voucher.code)
        #expect(
            try await ledger.store.lookup(merchant: nil, card: card).vouchers?.map(\.code) == [issued.voucher.code])
        let code = issued.voucher.code
        #expect(
            await errorCode {
                try await ledger.store.voucherRedeem(
                    .init(code: code, till: "k2", receipt: "B1", purchaseTotal: "12.00", at: Self.at))
            } == .belowMinimumPurchase)
        let used = try await ledger.store.voucherRedeem(
            .init(code: code, till: "k2", receipt: "B2", purchaseTotal: "25.00", at: Self.at))
        #expect(used.discount == "5.00" && used.voucher.state == "spent")
        let retried = try await ledger.store.voucherRedeem(
            .init(code: code, till: "k2", receipt: "B2", purchaseTotal: "25.00", at: Self.at))
        #expect(retried.replayed && retried.discount == "5.00")
        do {
            _ = try await ledger.store.voucherRedeem(
                .init(code: code, till: "k3", receipt: "C1", purchaseTotal: "25.00", at: Self.at))
            Issue.record("spent twice")
        } catch let violation as RuleViolation {
            #expect(violation.rule == .voucherSpent)
            #expect(violation.message == "Voucher \(code) has already been used.")
        }
        #expect(try await ledger.store.lookup(merchant: nil, card: card).vouchers == nil)
        #expect(
            await errorCode {
                try await ledger.store.voucherRedeem(
                    .init(code: code, till: "k3", receipt: "C2", purchaseTotal: "25.00", at: "2027-01-02T10:00:00Z"))
            } == .voucherSpent)
        #expect(try await ledger.verify().problems.isEmpty)
    }

    @Test(arguments: StoreKind.available) func anotherShopsVoucherIsRefusedWithItsName(_ kind: StoreKind) async throws {
        let ledger = try await StoreLedger.open(kind, programs: ["german-shop", "bulgarian-coop"])
        defer { Task { await ledger.close() } }
        let issued = try await ledger.store.voucherIssue(
            .init(merchant: "coop-plovdiv", till: "k1", receipt: "V1", kind: .item, sku: "R-HONEY", name: "Мед"))
        do {
            _ = try await ledger.store.voucherRedeem(
                .init(merchant: "markt-lindenhof", code: issued.voucher.code, till: "k1", receipt: "B1"))
            Issue.record("another shop's voucher was accepted")
        } catch let violation as RuleViolation {
            #expect(violation.rule == .unknownVoucher)
            #expect(violation.message.contains("another shop's voucher: it cannot be used at Markt Lindenhof"))
        }
        let free = try await ledger.store.voucherRedeem(
            .init(merchant: "coop-plovdiv", code: issued.voucher.code, till: "k1", receipt: "B1"))
        #expect(free.discount == "0.00" && free.voucher.sku == "R-HONEY")
    }

    @Test(arguments: StoreKind.available) func aQuoteGivesMembersTheirRatesAndTheEarnKeepsWhatWasApplied(
        _ kind: StoreKind
    ) async throws {
        let ledger = try await StoreLedger.open(kind, programs: ["bulgarian-coop"])
        defer { Task { await ledger.close() } }
        let card = ledger.card("2910", 5)
        try await ledger.addCard(card, member: true)
        let basket = [
            SaleLineInput(sku: "yoghurt", amount: "10.00", category: "dairy"),
            SaleLineInput(sku: "nails", amount: "3.00", category: "hardware"),
        ]
        let quote = try await ledger.store.quote(.init(card: card, lines: basket, at: Self.at))
        #expect(quote.member)
        #expect(
            quote.lines == [
                QuoteLine(sku: "yoghurt", price: "10.00", discount: "0.80", rate: "0.08", basis: "member-category")
            ])
        #expect(quote.discount == "0.80")
        // The till applies it and earns on what the customer paid.
        let paid = [
            SaleLineInput(sku: "yoghurt", amount: "9.20", category: "dairy"),
            SaleLineInput(sku: "nails", amount: "3.00", category: "hardware"),
        ]
        _ = try await ledger.store.earn(
            .init(card: card, till: "k1", receipt: "S1", lines: paid, at: Self.at, applied: quote.lines))
        let history = try await ledger.store.history(merchant: nil, card: card, limit: 5)
        #expect(history.entries.first?.applied == quote.lines)
        // More than the program gives is refused.
        var greedy = quote.lines
        greedy[0].discount = "2.00"
        #expect(
            await errorCode {
                try await ledger.store.earn(
                    .init(card: card, till: "k1", receipt: "S2", lines: paid, at: Self.at, applied: greedy))
            } == .badRequest)
    }

    @Test(arguments: StoreKind.available) func aVoucherIsNotValidWhenTheBelgianCardIsNot(_ kind: StoreKind) async throws
    {
        let ledger = try await StoreLedger.open(kind, programs: ["belgian-pharmacy"])
        defer { Task { await ledger.close() } }
        let issued = try await ledger.store.voucherIssue(
            .init(till: "k1", receipt: "V1", kind: .value, amount: "3.00", at: "2026-11-27T10:00:00Z"))
        // Sunday 29 November 2026, 11:00 in Brussels: the regulation's article 15.
        do {
            _ = try await ledger.store.voucherRedeem(
                .init(
                    code: issued.voucher.code, till: "k1", receipt: "B1", purchaseTotal: "10.00",
                    at: "2026-11-29T10:00:00Z"))
            Issue.record("a voucher was used on a Sunday")
        } catch let violation as RuleViolation {
            #expect(violation.rule == .programClosed)
            #expect(violation.message == "Vouchers cannot be used now: the card is not valid on Sundays.")
        }
        let monday = try await ledger.store.voucherRedeem(
            .init(
                code: issued.voucher.code, till: "k1", receipt: "B2", purchaseTotal: "10.00",
                at: "2026-11-30T10:00:00Z"))
        #expect(monday.discount == "3.00")
    }

    @Test(arguments: StoreKind.available) func verifyFindsStampsAndVoucherUsesThatDisagreeWithTheirRecords(
        _ kind: StoreKind
    ) async throws {
        let ledger = try await StoreLedger.open(kind, programs: ["german-shop"])
        defer { Task { await ledger.close() } }
        let card = ledger.card("2440001", 6)
        try await ledger.addCard(card)
        _ = try await ledger.earn(card, receipt: "S1", [Self.coffee("latte", "5.00", qty: 2)])
        let issued = try await ledger.store.voucherIssue(
            .init(till: "k1", receipt: "V1", kind: .value, amount: "5.00", uses: 2))
        #expect(try await ledger.verify().problems.isEmpty)
        try ledger.tamper("UPDATE account SET stamps = stamps + 5")
        try ledger.tamper("UPDATE voucher SET used = 1 WHERE code = '\(issued.voucher.code)'")
        let problems = try await ledger.verify().problems
        #expect(problems.contains { $0.contains("it holds 7 stamps, its entries sum to 2") }, "\(problems)")
        #expect(
            problems.contains { $0.contains("voucher \(issued.voucher.code): counted 1 uses of 2 allowed, 0 recorded") }
        )
    }
}
