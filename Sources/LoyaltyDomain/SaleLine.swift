/// One line of a till receipt as the loyalty program sees it. `amount` is what the customer
/// paid for the whole line (after line discounts); `qty` is informational.
public struct SaleLine: Sendable, Hashable, Codable {
    public var sku: String
    public var amount: Money
    public var qty: Int?
    public var brand: String?
    public var category: String?

    public init(sku: String, amount: Money, qty: Int? = nil, brand: String? = nil, category: String? = nil) {
        self.sku = sku
        self.amount = amount
        self.qty = qty
        self.brand = brand
        self.category = category
    }
}

/// What a receipt earns: integer points and a discount in money.
public struct Earning: Sendable, Hashable {
    public var points: Int64
    public var discount: Money

    public init(points: Int64, discount: Money) {
        self.points = points
        self.discount = discount
    }
}
