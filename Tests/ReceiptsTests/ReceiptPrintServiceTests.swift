import Foundation
import LoyalgateProtocol
import ReceiptEncoding
import Receipts
import Testing

/// `receipt.print` up to the moment a job would start: the request line read once, the
/// template applied, the answer and its errors. Nothing here reaches CUPS (`start` is not called).
@Suite struct ReceiptPrintServiceTests {
    let service = ReceiptPrintService(
        configuration: ReceiptsConfiguration(
            printers: [
                ReceiptPrinterSettings(id: "till-1", queue: "receipts", model: "epson-tm-t88v", template: "linde")
            ],
            templates: ["linde": ReceiptHeader(merchantName: "Apotheek De Linde")]),
        events: ReceiptEvents(printJob: { _ in }))

    func line(_ receipt: String, printer: String = "till-1", key: String? = nil) -> Data {
        let keyField = key.map { #","key":"\#($0)""# } ?? ""
        return Data(#"{"id":1,"op":"receipt.print","printer":"\#(printer)"\#(keyField),"receipt":\#(receipt)}"#.utf8)
    }

    @Test("The document comes straight from the request line; the template supplies the header")
    func acceptsWithTemplate() throws {
        let ticket = try service.accept(line: line(#"{"lines":[{"description":"Zeep","amount":"2.50"}]}"#, key: "R1"))
        #expect(!ticket.answer.replayed && ticket.answer.job.hasPrefix("r-"))
        let again = try service.accept(line: line(#"{"lines":[{"description":"Zeep","amount":"2.50"}]}"#, key: "R1"))
        #expect(again.answer == ReceiptPrintAnswer(job: ticket.answer.job, replayed: true))
    }

    @Test("A bad document names its field from the receipt down, as invalid-receipt")
    func badDocument() {
        let expected = ReceiptError.invalidAmount(field: "lines[0].amount", value: "not a string (a JSON number?)")
            .description
        #expect(throws: ReceiptsError(.invalidReceipt, expected)) {
            try service.accept(line: line(#"{"lines":[{"description":"a","amount":1.5}]}"#))
        }
        do {
            _ = try service.accept(line: line(#"{"lines":[{"description":"a","amount":1.5}]}"#))
        } catch {
            #expect(error.code == .invalidReceipt)
            #expect(
                error.message.contains("lines[0].amount") && !error.message.contains("receipt."), "\(error.message)")
        }
    }

    @Test("Missing parameters are bad-request; an unknown printer is unknown-printer")
    func badParameters() {
        do {
            _ = try service.accept(line: Data(#"{"id":1,"op":"receipt.print","printer":"till-1"}"#.utf8))
            Issue.record("accepted a request without a receipt")
        } catch {
            #expect(error.code == .badRequest)
            #expect(error.message.hasPrefix("receipt.print: "), "\(error.message)")
        }
        do {
            _ = try service.accept(line: line(#"{"lines":[]}"#, printer: "nowhere"))
            Issue.record("accepted an unknown printer")
        } catch {
            #expect(error.code == .unknownPrinter)
        }
    }

    @Test("The wire shapes: field names as docs/receipts.md shows them")
    func wireShapes() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let update = PrintJobUpdate(job: "r-1", printer: "till-1", state: .failed, attempt: 2, reason: "Out of paper.")
        #expect(
            String(decoding: try encoder.encode(update), as: UTF8.self)
                == #"{"attempt":2,"job":"r-1","printer":"till-1","reason":"Out of paper.","state":"failed"}"#)
        let queued = PrintJobUpdate(job: "r-1", printer: "till-1", state: .queued, attempt: 1)
        #expect(
            String(decoding: try encoder.encode(queued), as: UTF8.self)
                == #"{"attempt":1,"job":"r-1","printer":"till-1","state":"queued"}"#)
    }
}
