import Foundation
import LoyalgateProtocol
import ReceiptEncoding
import Testing

@testable import Receipts

/// The loyalty block the gateway fills shows the card's stamps and open vouchers, and prints the
/// first voucher's code as the footer's EAN-13 unless the till put a barcode there.
@Suite struct ReceiptCardKindsTests {
    static let lookup = #"""
        {"account":{"balance":"0.00","currency":"EUR","id":1,"points":12,"stamps":7},
         "card":{"number":"2440001000011","status":"active"},"customer":null,"member":false,"patientRef":null,
         "stampCard":{"stamps":7,"needed":10,"rewards":0,"reward":{"stamps":10,"name":"Gratis Kaffee","sku":"k"}},
         "vouchers":[{"code":"9900012345674","kind":"percent","state":"valid","currency":"EUR","percent":"0.1",
                      "uses":1,"used":0,"validUntil":"2026-12-31"},
                     {"code":"9900000000017","kind":"item","state":"valid","currency":"EUR","sku":"k",
                      "name":"Gratis Kaffee","uses":1,"used":0}]}
        """#

    @Test func stampsAndVouchersPrintAndTheFirstVoucherBecomesTheFooterBarcode() throws {
        let answer = try JSONDecoder().decode(CardLookupAnswer.self, from: Data(Self.lookup.utf8))
        let sale = ReceiptDocument(
            header: ReceiptHeader(merchantName: "Markt Lindenhof"),
            lines: [ReceiptLine(description: "Latte", amount: "2.50")])
        let printed = ReceiptPrintService.withBalances(sale, .fetched(answer))
        let block = try #require(printed.loyalty)
        #expect(block.stampBalance == "7 / 10")
        #expect(block.vouchers == ["9900012345674 -10 % (2026-12-31)", "9900000000017 Gratis Kaffee"])
        #expect(printed.footer?.barcode == FooterBarcode(.ean13, data: "9900012345674"))
        // The till's own barcode stays.
        var withQR = sale
        withQR.footer = ReceiptFooter(barcode: FooterBarcode(.qr, data: "https://example.org/r/1"))
        #expect(
            ReceiptPrintService.withBalances(withQR, .fetched(answer)).footer?.barcode?.type == "QR")
    }
}
