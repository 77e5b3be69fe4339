import Foundation
import LoyalgateProtocol
import ReceiptEncoding
import Testing

@testable import Receipts

/// The loyalty block the gateway prints from the core's `card.lookup` answer (`receipt.print`
/// with `card`): each balance the card holds, the till's copied balances dropped, the sale's
/// earned figures kept.
@Suite struct ReceiptBalancesTests {
    func lookup(points: Int, balance: String, prepaid: String? = nil) throws -> CardLookupAnswer {
        let prepaidField = prepaid.map { #","prepaid":"\#($0)""# } ?? ""
        let json = #"""
            {"account":{"balance":"\#(balance)","currency":"EUR","id":1,"points":\#(points)\#(prepaidField)},
             "card":{"number":"2990001000018","status":"active"},"customer":null,"member":false,"patientRef":null}
            """#
        return try JSONDecoder().decode(CardLookupAnswer.self, from: Data(json.utf8))
    }

    let sale = ReceiptDocument(
        header: ReceiptHeader(merchantName: "Apotheek De Linde"),
        lines: [ReceiptLine(description: "Thee", amount: "2.10")],
        loyalty: LoyaltyBlock(
            cardNumber: "1111", pointsBalance: 999, discountEarned: "0.20", discountSpendable: "12.40"))

    @Test func aDiscountCardShowsItsDiscountAndPrepaidAndNotTheTillsCopy() throws {
        let block = try #require(
            ReceiptPrintService.withBalances(
                sale, .fetched(try lookup(points: 0, balance: "3.00", prepaid: "20.00"))
            ).loyalty)
        #expect(block.cardNumber == "2990001000018")
        #expect(block.pointsBalance == nil && block.discountSpendable == nil)
        #expect(block.discountBalance == "3.00" && block.prepaidBalance == "20.00")
        #expect(block.discountEarned == "0.20" && block.balanceUnavailable == nil)
    }

    @Test func aNewCardShowsBothBalancesAtZero() throws {
        let block = try #require(
            ReceiptPrintService.withBalances(sale, .fetched(try lookup(points: 0, balance: "0.00"))).loyalty)
        #expect(block.pointsBalance == 0 && block.discountBalance == "0.00" && block.prepaidBalance == nil)
    }

    @Test func withoutTheCoreTheBlockSaysTheBalanceCouldNotBeFetched() throws {
        let printed = ReceiptPrintService.withBalances(
            ReceiptDocument(
                header: ReceiptHeader(merchantName: "Apotheek De Linde"),
                lines: [ReceiptLine(description: "Thee", amount: "2.10")]),
            .unavailable(card: "2990001000018"))
        let block = try #require(printed.loyalty)
        #expect(block.balanceUnavailable == true && block.pointsBalance == nil && block.discountBalance == nil)
        let composer = try ReceiptComposer(model: "epson-tm-t88v")
        let bytes = try composer.render(try composer.prepared(printed), logoPath: nil)
        let lines = try ESCPOSInterpreter(profile: composer.profile).interpret(bytes).textLines
        #expect(lines.contains("The balance could not be fetched."))
    }

    /// The program's end (docs/program-end.md): once announced, the core's `card.lookup`
    /// carries the date and the receipt prints it in the printer's language.
    @Test func anAnnouncedEndIsPrintedOnTheReceipt() throws {
        var answer = try lookup(points: 42, balance: "0.00")
        answer.programEnds = "2027-06-30"
        let printed = ReceiptPrintService.withBalances(sale, .fetched(answer))
        #expect(printed.loyalty?.programEnds == "2027-06-30")
        let composer = try ReceiptComposer(model: "epson-tm-t88v")
        let bytes = try composer.render(try composer.prepared(printed), logoPath: nil)
        let lines = try ESCPOSInterpreter(profile: composer.profile).interpret(bytes).textLines
        #expect(lines.contains("The loyalty programme ends on 2027-06-30."), "\(lines)")
    }
}
