import Foundation
import LoyalgateClient
import LoyalgateProtocol
import LoyaltyDomain
import ReceiptEncoding
import Testbed
import Testing

/// The receipt's QR code of the card's own page (docs/cardholder.md): with `cardholderURL` in
/// the gateway's receipts configuration, a receipt printed for a card through CUPS carries a
/// QR code of URL/c/TOKEN, a token the core signed for that card.
@Suite("The cardholder QR code on receipts", .serialized, .enabled(if: EmulatedDevices.isAvailable))
struct CardholderReceiptTests {
    func qrCodes(_ setup: ReceiptGateway, job: Int) throws -> [String] {
        let interpreter = ESCPOSInterpreter(profile: try PrinterProfile.named("epson-tm-t88v"))
        let jobs = setup.printer.jobs
        try #require(jobs.count > job, "the printer caught \(jobs.count) jobs")
        let printed = try interpreter.interpret(Array(jobs[job]))
        return printed.elements.compactMap { element -> String? in
            guard case .qrCode(let data, _, _) = element else { return nil }
            return data
        }
    }

    @Test("A receipt for a card prints the QR code of its page; a till's own footer symbol stays")
    func theReceiptCarriesTheCardsPage() throws {
        let number = card("2990001", 77)
        let setup = try ReceiptGateway(cardholderURL: "https://kaart.apotheekdelinde.nl/") { core in
            try core.setUp(programs: ["dutch-pharmacy"], cards: [number])
            try core.start()
        }
        let shop = try setup.core.typedClient()
        _ = try shop.call(
            CoreOp.TxnEarn.self,
            .init(card: number, till: "till-1", receipt: "R-77", lines: [.init(sku: "x", amount: "12.00")]))
        let till = try setup.gateway.till()
        try till.subscribe()
        var receipt = ReceiptGateway.receipt()
        receipt["footer"] = ["lines": ["Bedankt!"]]
        let answer = try till.request(
            "receipt.print", ["printer": "till-1", "receipt": receipt, "key": "till-1/R-77", "card": number])
        let job = try #require(answer["job"] as? String, "\(answer)")
        let events = till.jobEvents(job)
        try #require(events.last?["state"] as? String == "completed", "\(events) \(setup.gateway.log)")
        try #require(setup.printer.waitForJobs(1))
        let codes = try qrCodes(setup, job: 0)
        let link = try #require(codes.first, "no QR code on the receipt")
        #expect(link.hasPrefix("https://kaart.apotheekdelinde.nl/c/"))
        // The printed token opens this card's page with the sale's points.
        let token = String(link.dropFirst("https://kaart.apotheekdelinde.nl/c/".count))
        let view = try shop.call(CoreOp.CardholderView.self, .init(token: token))
        #expect(view.card == number && view.account.points == 12)

        // A till that sends its own footer symbol keeps it.
        let own = ReceiptGateway.receipt()
        let second = try till.request(
            "receipt.print", ["printer": "till-1", "receipt": own, "key": "till-1/R-78", "card": number])
        let secondJob = try #require(second["job"] as? String, "\(second)")
        try #require(till.jobEvents(secondJob).last?["state"] as? String == "completed")
        try #require(setup.printer.waitForJobs(2))
        #expect(try qrCodes(setup, job: 1) == ["https://example.org/r/1/1042"])
    }
}
