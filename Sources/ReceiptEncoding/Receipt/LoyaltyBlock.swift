/// What the loyalty programme did on this sale. Points are integers, money decimal strings,
/// as in the protocol; a programme that gives points fills the point fields, one that gives
/// discounts the discount fields.
public struct LoyaltyBlock: Sendable, Hashable, Codable {
    /// The full card number; only its last four digits are printed.
    public var cardNumber: String
    public var pointsEarned: Int?
    public var pointsBalance: Int?
    /// Discount earned with this sale, e.g. "12.40".
    public var discountEarned: String?
    /// Discount the customer can spend now, e.g. "5.00".
    public var discountSpendable: String?
    /// A free line from the programme, e.g. "Spendable from EUR 5.00".
    public var message: String?

    public init(
        cardNumber: String, pointsEarned: Int? = nil, pointsBalance: Int? = nil,
        discountEarned: String? = nil, discountSpendable: String? = nil, message: String? = nil
    ) {
        self.cardNumber = cardNumber
        self.pointsEarned = pointsEarned
        self.pointsBalance = pointsBalance
        self.discountEarned = discountEarned
        self.discountSpendable = discountSpendable
        self.message = message
    }

    /// The card number with all but the last four digits replaced by "*": enough for the
    /// customer to recognise the card, not enough to use a found receipt as the card.
    public var maskedCardNumber: String {
        let visible = 4
        guard cardNumber.count > visible else { return cardNumber }
        return String(repeating: "*", count: cardNumber.count - visible) + cardNumber.suffix(visible)
    }
}
