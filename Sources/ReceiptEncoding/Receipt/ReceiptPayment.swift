/// How the customer paid ("Cash", "Maestro"), with the decimal-string amount.
public struct ReceiptPayment: Sendable, Hashable, Codable {
    public var method: String
    public var amount: String

    public init(method: String, amount: String) {
        self.method = method
        self.amount = amount
    }
}
