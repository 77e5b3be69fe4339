/// One sold item.
public struct ReceiptLine: Sendable, Hashable, Codable {
    public var description: String
    /// Omitted means one.
    public var qty: ReceiptQuantity?
    /// Line total as a decimal string, e.g. "3.98" for two at 1.99.
    public var amount: String

    public init(description: String, qty: ReceiptQuantity? = nil, amount: String) {
        self.description = description
        self.qty = qty
        self.amount = amount
    }
}
