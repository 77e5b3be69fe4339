import Foundation

/// A receipt as the gateway's `receipt.print` op receives it: JSON, printer-independent.
///
/// Amounts are decimal strings ("12.50") as everywhere in the protocol; a JSON number is refused.
/// See `Resources/README.md` for an example document.
public struct ReceiptDocument: Sendable, Hashable, Codable {
    /// Item lines above this are refused: 1,000 lines is some 4 metres of paper, beyond any real
    /// sale, so a longer document is a till bug, and the cap bounds the work one request causes.
    public static let maximumLines = 1000

    /// "en", "nl", "de", "nb" (or "no") or "bg": the loyalty labels and the decimal separator.
    public var language: String?
    /// Printed before the amounts of totals and payments, e.g. "EUR" or "€"; nothing if absent.
    public var currency: String?
    /// Who sold. May be left out when the printer has a merchant template, which is the head
    /// whatever the document says; `validate()` requires one.
    public var header: ReceiptHeader?
    public var lines: [ReceiptLine]
    public var totals: [ReceiptTotal]
    public var payments: [ReceiptPayment]
    public var loyalty: LoyaltyBlock?
    public var footer: ReceiptFooter?
    /// Overrides for the built-in loyalty labels, by key (see `ReceiptLabels`).
    public var labels: [String: String]?

    public init(
        language: String? = nil, currency: String? = nil, header: ReceiptHeader?, lines: [ReceiptLine],
        totals: [ReceiptTotal] = [], payments: [ReceiptPayment] = [], loyalty: LoyaltyBlock? = nil,
        footer: ReceiptFooter? = nil, labels: [String: String]? = nil
    ) {
        self.language = language
        self.currency = currency
        self.header = header
        self.lines = lines
        self.totals = totals
        self.payments = payments
        self.loyalty = loyalty
        self.footer = footer
        self.labels = labels
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        language = try container.decodeIfPresent(String.self, forKey: .language)
        currency = try container.decodeIfPresent(String.self, forKey: .currency)
        header = try container.decodeIfPresent(ReceiptHeader.self, forKey: .header)
        lines = try container.decodeIfPresent([ReceiptLine].self, forKey: .lines) ?? []
        totals = try container.decodeIfPresent([ReceiptTotal].self, forKey: .totals) ?? []
        payments = try container.decodeIfPresent([ReceiptPayment].self, forKey: .payments) ?? []
        loyalty = try container.decodeIfPresent(LoyaltyBlock.self, forKey: .loyalty)
        footer = try container.decodeIfPresent(ReceiptFooter.self, forKey: .footer)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels)
    }

    /// Reads a JSON document; every failure is a `ReceiptError` naming the field. With
    /// `validate` (the default) it is also checked; a caller that still fills in the header from
    /// a template validates afterwards.
    public static func decode(json: Data, validate: Bool = true) throws(ReceiptError) -> ReceiptDocument {
        let document: ReceiptDocument
        do {
            document = try JSONDecoder().decode(ReceiptDocument.self, from: json)
        } catch let error as DecodingError {
            throw ReceiptDecodingMessage.receiptError(for: error)
        } catch {
            throw .invalidDocument(String(describing: error))
        }
        if validate { try document.validate() }
        return document
    }

    /// Reads a document that is one field of a larger JSON value (the `receipt` of a
    /// `receipt.print` request), so it is decoded once, straight from the request line. Failures
    /// name fields from the document down (`lines[0].amount`), as `decode(json:)` does. Not
    /// validated: the header may still come from a template.
    public static func decode(from decoder: any Decoder) throws(ReceiptError) -> ReceiptDocument {
        do {
            return try ReceiptDocument(from: decoder)
        } catch let error as DecodingError {
            throw ReceiptDecodingMessage.receiptError(for: error, below: decoder.codingPath.count)
        } catch {
            throw .invalidDocument(String(describing: error))
        }
    }

    /// Checks everything that would otherwise fail half-way through printing.
    public func validate() throws(ReceiptError) {
        guard let header else { throw .invalidDocument("header is missing.") }
        guard !header.merchantName.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalidDocument("header.merchantName is empty.")
        }
        guard lines.count <= Self.maximumLines else {
            throw .tooManyLines(count: lines.count, limit: Self.maximumLines)
        }
        for (index, line) in lines.enumerated() {
            try Self.checkAmount(line.amount, field: "lines[\(index)].amount")
            if let qty = line.qty, !DecimalString.isValid(qty.text) {
                throw .invalidQuantity(field: "lines[\(index)].qty", value: "\"\(qty.text)\"")
            }
        }
        for (index, total) in totals.enumerated() {
            try Self.checkAmount(total.amount, field: "totals[\(index)].amount")
        }
        for (index, payment) in payments.enumerated() {
            try Self.checkAmount(payment.amount, field: "payments[\(index)].amount")
        }
        if let loyalty {
            let number = loyalty.cardNumber
            guard (4...32).contains(number.utf8.count), number.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw .invalidCardNumber(number)
            }
            if let earned = loyalty.discountEarned { try Self.checkAmount(earned, field: "loyalty.discountEarned") }
            if let spendable = loyalty.discountSpendable {
                try Self.checkAmount(spendable, field: "loyalty.discountSpendable")
            }
            if let balance = loyalty.discountBalance {
                try Self.checkAmount(balance, field: "loyalty.discountBalance")
            }
            if let prepaid = loyalty.prepaidBalance { try Self.checkAmount(prepaid, field: "loyalty.prepaidBalance") }
        }
        if let barcode = footer?.barcode {
            switch try barcode.symbology() {
            case .ean13: _ = try EAN13.validated(barcode.data)
            case .code128: _ = try Code128Payload.make(barcode.data, codeSet: .automatic)
            case .qr:
                let count = barcode.data.utf8.count
                guard count > 0, count <= ESCPOSEncoder.maximumQRDataBytes else {
                    throw .invalidBarcodeData(
                        symbology: "QR", data: String(barcode.data.prefix(40)),
                        reason: "it must hold 1 to \(ESCPOSEncoder.maximumQRDataBytes) bytes, not \(count)")
                }
            }
        }
    }

    private static func checkAmount(_ text: String, field: String) throws(ReceiptError) {
        guard DecimalString.isValid(text) else { throw .invalidAmount(field: field, value: "\"\(text)\"") }
    }
}
