import Foundation
import LoyalgateClient
import LoyalgateProtocol
import LoyaltyDomain
import ReceiptEncoding
import Testbed
import Testing

/// Stamps and vouchers on the receipt the gateway prints through CUPS, and a voucher scanned on
/// an emulated scanner reaching the till as `kind: "voucher"`.
@Suite("Stamps and vouchers through the gateway", .serialized, .enabled(if: EmulatedDevices.isAvailable))
struct CardKindReceiptTests {
    @Test("A receipt for a card with stamps and a voucher prints both in the loyalty block, the voucher as its EAN-13")
    func stampsAndVouchersOnTheReceipt() throws {
        let number = card("2440001", 72)
        let setup = try ReceiptGateway { core in
            try core.setUp(programs: ["german-shop"], cards: [number])
            try core.start()
        }
        let shop = try setup.core.typedClient()
        _ = try shop.call(
            CoreOp.TxnEarn.self,
            .init(
                card: number, till: "till-1", receipt: "R-72",
                lines: [.init(sku: "latte", amount: "7.50", qty: 3, category: "coffee")]))
        let issued = try shop.call(
            CoreOp.VoucherIssue.self,
            .init(
                card: number, till: "till-1", receipt: "V-72", kind: .value, amount: "5.00",
                validUntil: "2099-12-31"))
        let till = try setup.gateway.till()
        try till.subscribe()
        var receipt = ReceiptGateway.receipt()
        receipt["footer"] = ["lines": ["Bedankt!"]]
        let answer = try till.request(
            "receipt.print", ["printer": "till-1", "receipt": receipt, "key": "till-1/R-72", "card": number])
        let job = try #require(answer["job"] as? String, "\(answer)")
        let events = till.jobEvents(job)
        #expect(events.last?["state"] as? String == "completed", "\(events) \(setup.gateway.log)")
        #expect(setup.printer.waitForJobs(1))
        let interpreter = ESCPOSInterpreter(profile: try PrinterProfile.named("epson-tm-t88v"))
        let printed = try interpreter.interpret(Array(try #require(setup.printer.jobs.first)))
        let block = printed.textLines.drop { !$0.hasPrefix("Kaart") }
        #expect(block.contains { $0.hasPrefix("Stempels") && $0.hasSuffix(" 3 / 10") }, "\(printed.textLines)")
        let code = issued.voucher.code
        // The voucher's line may wrap on a narrow roll: read as one text.
        #expect(
            block.joined(separator: " ").contains("Waardebon \(code) 5.00 EUR (2099-12-31)"), "\(printed.textLines)")
        let barcodes = printed.elements.compactMap { element -> String? in
            guard case .barcode(let symbology, let data, _, _, _, _) = element else { return nil }
            return "\(symbology) \(data)"
        }
        #expect(barcodes.contains { $0.hasSuffix(String(code.prefix(12))) }, "\(barcodes)")
    }

    @Test("A scanned voucher reaches the till as kind voucher with its state")
    func aScannedVoucherIsRecognised() throws {
        let (_, core, devices) = try ScannerShop.open(memberSerial: 31)
        let shop = try core.typedClient()
        let issued = try shop.call(
            CoreOp.VoucherIssue.self, .init(till: "t1", receipt: "V1", kind: .percent, percent: "0.10"))
        let scanner = EmulatedScanner.keyboardWedge()
        try devices.plug(scanner)
        let gateway = try GatewayProcess(core: core, devices: devices)
        let till = try gateway.till()
        try till.subscribe()
        try scan(.usScan("]E0" + issued.voucher.code), on: scanner, in: devices)
        let event = try #require(till.nextScan(), "\(gateway.log)")
        #expect(event["kind"] as? String == "voucher", "\(event)")
        #expect(event["data"] as? String == issued.voucher.code)
        let voucher = try #require(event["voucher"] as? [String: Any], "\(event)")
        #expect(voucher["state"] as? String == "valid" && voucher["percent"] as? String == "0.1")
        // Once used, the next scan says so.
        _ = try shop.call(
            CoreOp.VoucherRedeem.self,
            .init(code: issued.voucher.code, till: "t1", receipt: "B1", purchaseTotal: "20.00"))
        try scan(.usScan("]E0" + issued.voucher.code), on: scanner, in: devices)
        let again = try #require(till.nextScan(), "\(gateway.log)")
        #expect((again["voucher"] as? [String: Any])?["state"] as? String == "spent", "\(again)")
        #expect(gateway.terminate() == 0)
    }
}
