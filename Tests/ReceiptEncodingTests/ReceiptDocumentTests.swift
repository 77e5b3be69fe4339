import Foundation
import Testing

@testable import ReceiptEncoding

@Suite("Receipt documents: JSON and validation")
struct ReceiptDocumentTests {
    static let sample = """
        {
          "language": "nl",
          "currency": "EUR",
          "header": {"merchantName": "Apotheek De Linde", "addressLines": ["Marktstraat 12, 9800 Deinze"], "logo": "linde.png"},
          "lines": [
            {"description": "Paracetamol 500 mg", "qty": 2, "amount": "3.98"},
            {"description": "Zonnebrand SPF 50", "amount": "12.50"},
            {"description": "Kamillethee los", "qty": "0.25", "amount": "2.10"}
          ],
          "totals": [{"label": "TOTAAL", "amount": "18.58", "emphasized": true}],
          "payments": [{"method": "Bancontact", "amount": "18.58"}],
          "loyalty": {"cardNumber": "2900000000018", "pointsEarned": 18, "pointsBalance": 342,
                      "discountEarned": "0.93", "discountSpendable": "12.40"},
          "footer": {"lines": ["Bedankt en tot ziens!"], "barcode": {"type": "EAN-13", "data": "2900000000018"}}
        }
        """

    func decode(_ json: String) throws(ReceiptError) -> ReceiptDocument {
        try ReceiptDocument.decode(json: Data(json.utf8))
    }

    /// The sample with `old` replaced by `new`.
    func sample(replacing old: String, with new: String) -> String {
        Self.sample.replacingOccurrences(of: old, with: new)
    }

    @Test("The sample document decodes with defaults for omitted fields")
    func decodesSample() throws {
        let document = try decode(Self.sample)
        #expect(document.header?.merchantName == "Apotheek De Linde")
        #expect(document.lines.count == 3)
        #expect(
            document.lines[0].qty?.text == "2" && document.lines[1].qty == nil && document.lines[2].qty?.text == "0.25")
        #expect(document.loyalty?.maskedCardNumber == "*********0018")
        #expect(document.footer?.barcode?.type == "EAN-13")
        let minimal = try decode(#"{"header": {"merchantName": "X"}}"#)
        #expect(minimal.lines.isEmpty && minimal.totals.isEmpty && minimal.header?.addressLines.isEmpty == true)
    }

    @Test("A document round-trips through JSON")
    func roundTrip() throws {
        let document = try decode(Self.sample)
        let again = try decode(String(decoding: JSONEncoder().encode(document), as: UTF8.self))
        #expect(again == document)
    }

    @Test("More than 1000 item lines is refused; exactly 1000 is fine")
    func lineLimit() throws {
        let line = ReceiptLine(description: "x", amount: "1.00")
        var document = ReceiptDocument(
            header: ReceiptHeader(merchantName: "Shop"), lines: Array(repeating: line, count: 1000))
        try document.validate()
        document.lines.append(line)
        #expect(throws: ReceiptError.tooManyLines(count: 1001, limit: 1000)) { try document.validate() }
        #expect(
            ReceiptError.tooManyLines(count: 1001, limit: 1000).description
                == "The receipt has 1001 item lines; at most 1000 can be printed on one receipt.")
    }

    @Test(
        "Amounts must be decimal strings",
        arguments: ["12,50", "1e3", "", " 12.50", "+1", "12.", ".5", "1.2345", "abc"])
    func badAmountStrings(_ amount: String) {
        #expect(throws: ReceiptError.invalidAmount(field: "lines[1].amount", value: "\"\(amount)\"")) {
            try decode(sample(replacing: #""amount": "12.50""#, with: #""amount": "\#(amount)""#))
        }
    }

    @Test(
        "Good amounts, including negative ones for returns and discounts",
        arguments: ["0", "12.50", "-3.10", "1234567.891"])
    func goodAmounts(_ amount: String) throws {
        _ = try decode(sample(replacing: #""amount": "12.50""#, with: #""amount": "\#(amount)""#))
    }

    @Test("An amount sent as a JSON number is refused by field name")
    func amountAsNumber() {
        #expect(throws: ReceiptError.invalidAmount(field: "totals[0].amount", value: "not a string (a JSON number?)")) {
            try decode(sample(replacing: #""amount": "18.58", "emphasized""#, with: #""amount": 18.58, "emphasized""#))
        }
        let message = ReceiptError.invalidAmount(field: "totals[0].amount", value: "not a string (a JSON number?)")
            .description
        #expect(message.contains("decimal string like \"12.50\""))
    }

    @Test("Quantities: integers or decimal strings, not fractional numbers or text")
    func quantities() {
        #expect(throws: ReceiptError.invalidQuantity(field: "lines[0].qty", value: "neither an integer nor a string")) {
            try decode(sample(replacing: #""qty": 2"#, with: #""qty": 2.5"#))
        }
        #expect(throws: ReceiptError.invalidQuantity(field: "lines[0].qty", value: "\"two\"")) {
            try decode(sample(replacing: #""qty": 2"#, with: #""qty": "two""#))
        }
    }

    @Test("An unknown barcode type names itself and the known ones")
    func unknownBarcodeType() {
        #expect(throws: ReceiptError.unknownBarcodeType("PDF417")) {
            try decode(sample(replacing: #""type": "EAN-13""#, with: #""type": "PDF417""#))
        }
        #expect(ReceiptError.unknownBarcodeType("PDF417").description.contains("use EAN-13, CODE-128 or QR"))
    }

    @Test("Barcode type spellings: EAN13, code128, qr")
    func barcodeSpellings() throws {
        #expect(BarcodeSymbology(name: "ean13") == .ean13)
        #expect(BarcodeSymbology(name: "Code_128") == .code128)
        #expect(BarcodeSymbology(name: "qr") == .qr)
        _ = try decode(
            sample(
                replacing: #""type": "EAN-13", "data": "2900000000018""#,
                with: #""type": "code128", "data": "LOYAL-42""#))
    }

    @Test("EAN-13 data with a wrong check digit is refused before printing")
    func ean13CheckDigit() {
        #expect(
            throws: ReceiptError.invalidBarcodeData(
                symbology: "EAN-13", data: "2900000000017", reason: "the check digit is 7 but should be 8")
        ) {
            try decode(sample(replacing: #""data": "2900000000018""#, with: #""data": "2900000000017""#))
        }
    }

    @Test("Other invalid documents: no merchant, bad card number, bad JSON, missing header")
    func otherErrors() {
        #expect(throws: ReceiptError.invalidDocument("header.merchantName is empty.")) {
            try decode(sample(replacing: "Apotheek De Linde", with: " "))
        }
        #expect(throws: ReceiptError.invalidCardNumber("29000-1")) {
            try decode(sample(replacing: #""cardNumber": "2900000000018""#, with: #""cardNumber": "29000-1""#))
        }
        #expect(throws: ReceiptError.invalidDocument("it is not valid JSON.")) { try decode("{nope") }
        #expect(throws: ReceiptError.invalidDocument("header is missing.")) { try decode(#"{"lines": []}"#) }
        #expect(throws: ReceiptError.invalidDocument("lines[0].description is missing.")) {
            try decode(#"{"header": {"merchantName": "X"}, "lines": [{"amount": "1.00"}]}"#)
        }
    }
}
