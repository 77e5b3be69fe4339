import LoyaltyDomain

// The shapes several core answers share. Till transactions store their answer as JSON, so a
// retried request gets the very answer the first one got: changing a field here changes replays
// of old receipts too, so only add optional fields.

public struct AccountView: Sendable, Codable, Equatable {
    /// Null for a card the merchant has not seen yet but will enrol on its first earn.
    public var id: Int64?
    public var points: Int64
    /// The discount balance, a decimal string.
    public var balance: String
    public var currency: String
    /// The prepaid (stored value) balance, a decimal string; absent when the account holds
    /// none. Never part of `balance`: prepaid money and discount are never mixed.
    public var prepaid: String?
    /// The stamps on the card; absent when it holds none.
    public var stamps: Int64?

    public init(
        id: Int64?, points: Int64, balance: String, currency: String, prepaid: String? = nil, stamps: Int64? = nil
    ) {
        self.stamps = stamps
        self.id = id
        self.points = points
        self.balance = balance
        self.currency = currency
        self.prepaid = prepaid
    }
}

public struct CardView: Sendable, Codable, Equatable {
    public var number: String
    public var status: CardStatus

    public init(number: String, status: CardStatus) {
        self.number = number
        self.status = status
    }
}

public struct CustomerView: Sendable, Codable, Equatable {
    public var displayName: String

    public init(displayName: String) {
        self.displayName = displayName
    }
}
