import LoyaltyDomain

// Prepaid (stored value): money a customer paid in at the till and spends at the till. Kept
// apart from points and discount everywhere: its own balance, its own ledger entry kinds, its
// own (till, receipt) space (docs/protocol.md, "Prepaid"). Handlers: LoyaltyCore/PrepaidHandlers.swift.

extension CoreOp {
    /// The till took `amount` in `tender` and loads it onto the card; idempotent on (till, receipt).
    public enum PrepaidLoad: WireOperation {
        public static let name = "prepaid.load"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable, TillTransaction {
            public var merchant: String?
            public var card: String
            public var till: String
            public var receipt: String
            /// The money loaded, a decimal string in the merchant's currency, more than zero.
            public var amount: String
            /// How the customer paid for it (`cash`, `debit-card`, ...): an identifier, kept with the load.
            public var tender: String
            public var at: String?
            public init(
                merchant: String? = nil, card: String, till: String, receipt: String, amount: String, tender: String,
                at: String? = nil
            ) {
                self.merchant = merchant
                self.card = card
                self.till = till
                self.receipt = receipt
                self.amount = amount
                self.tender = tender
                self.at = at
            }

            public var lines: [SaleLineInput] { [] }

            public mutating func normaliseOtherIdentifiers() throws(LoyaltyError) {
                tender = try Identifier.normalised(tender, field: "tender")
            }
        }
        public typealias Answer = PrepaidAnswer
    }

    /// Pays `amount` of a sale from the card's prepaid balance; idempotent on (till, receipt).
    public enum PrepaidPay: WireOperation {
        public static let name = "prepaid.pay"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable, TillTransaction {
            public var merchant: String?
            public var card: String
            public var till: String
            public var receipt: String
            /// What the till asks the card to pay, a decimal string, more than zero.
            public var amount: String
            /// With `true`, a balance below `amount` pays what it holds (the till takes the rest in
            /// another tender); without, such a payment is refused with `insufficient-balance`.
            public var partial: Bool?
            public var at: String?
            public init(
                merchant: String? = nil, card: String, till: String, receipt: String, amount: String,
                partial: Bool? = nil, at: String? = nil
            ) {
                self.merchant = merchant
                self.card = card
                self.till = till
                self.receipt = receipt
                self.amount = amount
                self.partial = partial
                self.at = at
            }

            public var lines: [SaleLineInput] { [] }
        }
        public typealias Answer = PrepaidAnswer
    }

    /// Undoes the load or payment this till recorded under `receipt`, on the same local day;
    /// repeating it replays the first answer.
    public enum PrepaidReverse: WireOperation {
        public static let name = "prepaid.reverse"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable, TillTransaction {
            public var merchant: String?
            public var till: String
            /// The receipt of the load or payment to reverse.
            public var receipt: String
            public var at: String?
            public init(merchant: String? = nil, till: String, receipt: String, at: String? = nil) {
                self.merchant = merchant
                self.till = till
                self.receipt = receipt
                self.at = at
            }

            public var lines: [SaleLineInput] { [] }
        }
        public typealias Answer = PrepaidAnswer
    }

    /// The prepaid money the merchant owes its customers: the sum of every prepaid balance.
    public enum PrepaidLiability: WireOperation {
        public static let name = "prepaid.liability"
        public static let role = Role.backOffice
        public typealias Parameters = MerchantParameters
        public typealias Answer = PrepaidLiabilityAnswer
    }
}

/// The answer to a load, payment or reversal; stored with it and replayed as it was.
public struct PrepaidAnswer: Sendable, Codable, Equatable {
    public var txn: Int64
    /// `load`, `pay` or `reverse`.
    public var kind: String
    public var card: String
    /// The change to the prepaid balance, a signed decimal string (a payment is negative).
    public var amount: String
    /// The prepaid balance after it.
    public var prepaid: String
    public var currency: String
    /// A load's tender.
    public var tender: String?
    /// What a reversal undid: `load` or `pay`, and its amount as it was recorded.
    public var reversed: Reversed?
    public var at: String
    public var replayed: Bool

    public struct Reversed: Sendable, Codable, Equatable {
        public var kind: String
        public var amount: String
        public init(kind: String, amount: String) {
            self.kind = kind
            self.amount = amount
        }
    }

    public init(
        txn: Int64, kind: String, card: String, amount: String, prepaid: String, currency: String, tender: String?,
        reversed: Reversed?, at: String, replayed: Bool
    ) {
        self.txn = txn
        self.kind = kind
        self.card = card
        self.amount = amount
        self.prepaid = prepaid
        self.currency = currency
        self.tender = tender
        self.reversed = reversed
        self.at = at
        self.replayed = replayed
    }
}

public struct PrepaidLiabilityAnswer: Sendable, Codable, Equatable {
    public var merchant: String
    public var currency: String
    /// The sum of every account's prepaid balance: what the merchant owes.
    public var outstanding: String
    /// How many accounts hold prepaid money.
    public var accounts: Int
    /// Money loaded, paid and reversed so far (each a positive decimal string), for the books.
    public var loaded: String
    public var paid: String
    public init(merchant: String, currency: String, outstanding: String, accounts: Int, loaded: String, paid: String) {
        self.merchant = merchant
        self.currency = currency
        self.outstanding = outstanding
        self.accounts = accounts
        self.loaded = loaded
        self.paid = paid
    }
}
