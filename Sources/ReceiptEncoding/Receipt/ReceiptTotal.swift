/// A total line ("Subtotal", "VAT 21%", "TOTAL"): label and decimal-string amount.
public struct ReceiptTotal: Sendable, Hashable, Codable {
    public var label: String
    public var amount: String
    /// Printed bold, for the amount due.
    public var emphasized: Bool?

    public init(label: String, amount: String, emphasized: Bool? = nil) {
        self.label = label
        self.amount = amount
        self.emphasized = emphasized
    }
}
