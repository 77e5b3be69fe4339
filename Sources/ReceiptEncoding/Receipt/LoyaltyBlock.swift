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
    /// The card's whole discount balance (spendable or not yet), e.g. "3.00": filled by the
    /// gateway from the core when the till names the card (`receipt.print` with `card`).
    public var discountBalance: String?
    /// The card's prepaid (stored value) balance, e.g. "37.50"; never part of the discount.
    public var prepaidBalance: String?
    /// The card's stamps and how many make the reward, e.g. "7 / 10"; filled by the gateway.
    public var stampBalance: String?
    /// The card's vouchers that can still be used, one line each ("9900012345674 5.00 EUR
    /// until 2026-12-31"); filled by the gateway.
    public var vouchers: [String]?
    /// True when the gateway could not fetch the balances: the receipt says so in a line
    /// instead of waiting for the loyalty system.
    public var balanceUnavailable: Bool?
    /// The loyalty programme's announced last day (`YYYY-MM-DD`): the receipt says the
    /// programme ends then. Filled by the gateway from the core (docs/program-end.md).
    public var programEnds: String?

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
