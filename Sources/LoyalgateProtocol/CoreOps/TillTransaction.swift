import Foundation
import LoyaltyDomain

/// What earn, redeem and return share: the till, its receipt number and the sale's time.
public protocol TillTransaction {
    var merchant: String? { get set }
    var till: String { get set }
    var receipt: String { get set }
    var lines: [SaleLineInput] { get }
    var at: String? { get }
    /// Normalises the identifiers a kind of transaction has besides its own till and receipt
    /// (a return's original); nothing by default.
    mutating func normaliseOtherIdentifiers() throws(LoyaltyError)
}

extension TillTransaction {
    /// Receipts are bounded so one request cannot hold the single writer for long.
    public static var maximumLines: Int { Limits.receiptLines }

    public mutating func normaliseOtherIdentifiers() throws(LoyaltyError) {}

    /// The checks every till transaction gets before any rule is applied, and its identifiers
    /// in the one form they are stored and compared in (`Identifier.normalised`). The store
    /// calls it on every till transaction, so no path into the ledger skips it.
    public func checked(needsLines: Bool) throws(LoyaltyError) -> Self {
        var transaction = self
        transaction.till = try Identifier.normalised(till, field: "till")
        transaction.receipt = try Identifier.normalised(receipt, field: "receipt")
        try transaction.normaliseOtherIdentifiers()
        guard !needsLines || !lines.isEmpty else {
            throw LoyaltyError(.badRequest, "The receipt has no lines.")
        }
        guard lines.count <= Self.maximumLines else {
            throw LoyaltyError(
                .badRequest, "A receipt may have at most \(Self.maximumLines) lines; this one has \(lines.count).")
        }
        _ = try time()
        return transaction
    }

    /// `at` as a time, or nil (now) when absent.
    public func time() throws(LoyaltyError) -> Date? {
        guard let at else { return nil }
        do { return try Timestamp.read(at) } catch { throw LoyaltyError(.badRequest, "\"at\": \(error.message)") }
    }
}

/// Till ids, receipt numbers and line SKUs as the ledger keeps them.
public enum Identifier {
    /// At most this many Unicode scalars (not characters: one visible character may carry
    /// thousands of combining marks)...
    public static let maximumScalars = 64
    /// ...and at most this many bytes of UTF-8.
    public static let maximumBytes = 128

    /// `text` in Unicode NFC, so that the composed and decomposed spellings of the same text
    /// (`é` as one scalar or as `e` + U+0301) are one receipt; refused (`bad-request` naming
    /// `field`) when empty, too long, or holding control characters (NUL, line breaks, escape
    /// sequences, bidirectional overrides) that would corrupt a log, a CSV or a till's display.
    public static func normalised(_ text: String, field: String, optional: Bool = false) throws(LoyaltyError)
        -> String
    {
        // ASCII text is already in NFC; Foundation's normalisation costs a till transaction
        // more than all its other checks, and nearly every till id and receipt number is ASCII.
        let normal = text.utf8.allSatisfy { $0 < 0x80 } ? text : text.precomposedStringWithCanonicalMapping
        guard optional || !normal.isEmpty else {
            throw LoyaltyError(.badRequest, "\"\(field)\" must not be empty.")
        }
        guard normal.unicodeScalars.count <= maximumScalars, normal.utf8.count <= maximumBytes else {
            throw LoyaltyError(
                .badRequest,
                "\"\(field)\" must be at most \(maximumScalars) Unicode characters and \(maximumBytes) bytes (combining marks count)."
            )
        }
        if let bad = normal.unicodeScalars.first(where: isControl) {
            throw LoyaltyError(
                .badRequest,
                "\"\(field)\" holds the control character U+\(String(bad.value, radix: 16, uppercase: true)); use letters, digits and punctuation."
            )
        }
        return normal
    }

    /// C0 and C1 controls (NUL to U+001F, DEL to U+009F), line and paragraph separators, and the
    /// bidirectional embeddings, overrides and isolates that reorder how text is shown.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C:
            true
        default:
            false
        }
    }
}

/// One receipt line as a till sends it; amounts stay decimal strings until the merchant's
/// currency is known.
public struct SaleLineInput: Sendable, Codable, Hashable {
    public var sku: String
    /// The line total, a decimal string; never negative (returns go through txn.return).
    public var amount: String
    public var qty: Int?
    public var brand: String?
    public var category: String?

    /// The largest `qty` a line may carry: informational, but a count, so never 0 or negative.
    public static let maximumQuantity = 1_000_000

    public init(sku: String, amount: String, qty: Int? = nil, brand: String? = nil, category: String? = nil) {
        self.sku = sku
        self.amount = amount
        self.qty = qty
        self.brand = brand
        self.category = category
    }

    /// The domain's sale line in `currency`, or `bad-request` for an amount out of range, a
    /// quantity below 1, or a SKU, brand or category that is not an identifier.
    public func saleLine(currency: Currency) throws(LoyaltyError) -> SaleLine {
        let sku = try Identifier.normalised(self.sku, field: "sku")
        let brand = try self.brand.map { text throws(LoyaltyError) in
            try Identifier.normalised(text, field: "brand")
        }
        let category = try self.category.map { text throws(LoyaltyError) in
            try Identifier.normalised(text, field: "category")
        }
        if let qty, !(1...Self.maximumQuantity).contains(qty) {
            throw LoyaltyError(
                .badRequest,
                "Line \(sku): qty \(qty) must be between 1 and \(Self.maximumQuantity); returns go through txn.return."
            )
        }
        let money: Money
        do {
            money = try Money(parsing: amount, currency: currency)
        } catch {
            throw LoyaltyError(.badRequest, "Line \(sku): \(error.description)")
        }
        guard money.minorUnits >= 0, money.minorUnits <= Limits.lineMinorUnits else {
            throw LoyaltyError(
                .badRequest, "Line \(sku): the amount \(amount) is out of range; returns go through txn.return.")
        }
        return SaleLine(sku: sku, amount: money, qty: qty, brand: brand, category: category)
    }
}
