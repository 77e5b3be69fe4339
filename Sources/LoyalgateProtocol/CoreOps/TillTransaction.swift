import Foundation
import LoyaltyDomain

/// What earn, redeem and return share: the till, its receipt number and the sale's time.
public protocol TillTransaction {
    var merchant: String? { get set }
    var till: String { get }
    var receipt: String { get }
    var lines: [SaleLineInput] { get }
    var at: String? { get }
}

extension TillTransaction {
    /// Receipts are bounded so one request cannot hold the single writer for long.
    public static var maximumLines: Int { 1_000 }

    /// The checks every till transaction gets before any rule is applied.
    public func checkReceipt(needsLines: Bool) throws(LoyaltyError) {
        guard !till.isEmpty, till.count <= 64, !receipt.isEmpty, receipt.count <= 64 else {
            throw LoyaltyError(.badRequest, "\"till\" and \"receipt\" must each be 1 to 64 characters.")
        }
        guard !needsLines || !lines.isEmpty else {
            throw LoyaltyError(.badRequest, "The receipt has no lines.")
        }
        guard lines.count <= Self.maximumLines else {
            throw LoyaltyError(
                .badRequest, "A receipt may have at most \(Self.maximumLines) lines; this one has \(lines.count).")
        }
    }

    /// `at` as a time, or nil (now) when absent.
    public func time() throws(LoyaltyError) -> Date? {
        guard let at else { return nil }
        guard let date = Timestamp.parse(at) else {
            throw LoyaltyError(.badRequest, "\"at\" must be an RFC 3339 time like 2026-11-21T14:30:00Z.")
        }
        return date
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

    public init(sku: String, amount: String, qty: Int? = nil, brand: String? = nil, category: String? = nil) {
        self.sku = sku
        self.amount = amount
        self.qty = qty
        self.brand = brand
        self.category = category
    }

    /// The domain's sale line in `currency`, or `bad-request` for an amount out of range.
    public func saleLine(currency: Currency) throws(LoyaltyError) -> SaleLine {
        let money: Money
        do {
            money = try Money(parsing: amount, currency: currency)
        } catch {
            throw LoyaltyError(.badRequest, "Line \(sku): \(error.description)")
        }
        guard money.minorUnits >= 0, money.minorUnits <= EarningRules.maximumLineMinorUnits else {
            throw LoyaltyError(
                .badRequest, "Line \(sku): the amount \(amount) is out of range; returns go through txn.return.")
        }
        return SaleLine(sku: sku, amount: money, qty: qty, brand: brand, category: category)
    }
}
