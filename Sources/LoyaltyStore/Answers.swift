import LoyaltyDomain

// The shapes the core answers with. They are stored as JSON with each till transaction, so a
// retried request gets the very answer the first one got; changing a field here changes
// replays of old receipts too, so only add optional fields.

public struct AccountView: Sendable, Codable, Equatable {
    /// Null for a card the merchant has not seen yet but will enrol on its first earn.
    public var id: Int64?
    public var points: Int64
    /// The discount balance, a decimal string.
    public var balance: String
    public var currency: String
}

public struct CardView: Sendable, Codable, Equatable {
    public var number: String
    public var status: String
}

public struct CustomerView: Sendable, Codable, Equatable {
    public var displayName: String
}

public struct CardLookupAnswer: Sendable, Codable, Equatable {
    public var card: CardView
    public var account: AccountView
    public var customer: CustomerView?
    public var patientRef: String?
    /// Whether the account earns the member multiplier.
    public var member: Bool

    // The contract shows `customer` and `patientRef` as null rather than absent.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(card, forKey: .card)
        try container.encode(account, forKey: .account)
        try container.encode(customer, forKey: .customer)
        try container.encode(patientRef, forKey: .patientRef)
        try container.encode(member, forKey: .member)
    }
}

public struct TxnAnswer: Sendable, Codable, Equatable {
    public var txn: Int64
    public var kind: String
    public var card: String
    /// The change this transaction made to the account's points: positive for an earn,
    /// negative for a redeem or return.
    public var points: Int64
    /// The change to the discount balance, a signed decimal string.
    public var discount: String
    public var account: AccountView
    public var at: String
    /// What a redeem spent, and the reward bought if any.
    public var redeemed: Redeemed?
    /// What a return could not take back because the customer had already spent it.
    public var shortfall: Shortfall?
    public var replayed: Bool

    public struct Redeemed: Sendable, Codable, Equatable {
        public var points: Int64
        public var amount: String
        public var reward: Program.Reward?
    }

    public struct Shortfall: Sendable, Codable, Equatable {
        public var points: Int64
        public var amount: String
    }
}

public struct HistoryEntry: Sendable, Codable, Equatable {
    public var id: Int64
    public var kind: String
    public var card: String
    public var till: String?
    public var receipt: String?
    public var points: Int64
    public var amount: String
    public var shortfallPoints: Int64
    public var shortfallAmount: String
    public var programVersion: Int64?
    public var at: String
    public var recordedAt: String
}

public struct HistoryAnswer: Sendable, Codable, Equatable {
    public var entries: [HistoryEntry]
}
