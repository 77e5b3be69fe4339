import Foundation
import LoyaltyDomain

/// The till transactions, after the wire format is parsed and before any rule is applied.

public struct EarnRequest: Sendable {
    public var merchant: String?
    public var card: String
    public var till: String
    public var receipt: String
    /// Amounts are decimal strings until the merchant's currency is known.
    public var lines: [LineInput]
    public var at: Date?

    public init(merchant: String?, card: String, till: String, receipt: String, lines: [LineInput], at: Date?) {
        self.merchant = merchant
        self.card = card
        self.till = till
        self.receipt = receipt
        self.lines = lines
        self.at = at
    }
}

public struct LineInput: Sendable, Codable, Hashable {
    public var sku: String
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

    func saleLine(currency: Currency) throws(LoyaltyError) -> SaleLine {
        let money: Money
        do {
            money = try Money(parsing: amount, currency: currency)
        } catch {
            throw LoyaltyError(.badRequest, "Line \(sku): \(error.description)")
        }
        guard money.minorUnits >= 0, money.minorUnits <= EarningRules.maximumLineMinorUnits else {
            throw LoyaltyError(.badRequest, "Line \(sku): the amount \(amount) is out of range; returns go through txn.return.")
        }
        return SaleLine(sku: sku, amount: money, qty: qty, brand: brand, category: category)
    }
}

public struct RedeemRequest: Sendable {
    public var merchant: String?
    public var card: String
    public var till: String
    public var receipt: String
    public var points: Int64?
    public var amount: String?
    /// A reward catalog SKU: spends the reward's points price.
    public var reward: String?
    /// What the purchase the discount pays toward costs: a discount never pays out more.
    public var purchaseTotal: String?
    /// A till asking to pay the balance out in cash.
    public var cash: Bool
    public var at: Date?

    public init(merchant: String?, card: String, till: String, receipt: String, points: Int64?, amount: String?,
                reward: String?, purchaseTotal: String?, cash: Bool, at: Date?) {
        self.merchant = merchant
        self.card = card
        self.till = till
        self.receipt = receipt
        self.points = points
        self.amount = amount
        self.reward = reward
        self.purchaseTotal = purchaseTotal
        self.cash = cash
        self.at = at
    }
}

public struct ReturnRequest: Sendable {
    public var merchant: String?
    public var till: String
    public var receipt: String
    public var originalTill: String
    public var originalReceipt: String
    public var lines: [LineInput]
    public var at: Date?

    public init(merchant: String?, till: String, receipt: String, originalTill: String, originalReceipt: String,
                lines: [LineInput], at: Date?) {
        self.merchant = merchant
        self.till = till
        self.receipt = receipt
        self.originalTill = originalTill
        self.originalReceipt = originalReceipt
        self.lines = lines
        self.at = at
    }
}
