import LoyaltyDomain

// A card's life and households: back-office ops (docs/protocol.md, "Card life, households and
// customers"). Handlers: LoyaltyCore/CardHandlers.swift.

extension CoreOp {
    /// Hands a card out: it earns after the program's activation delay.
    public enum CardActivate: WireOperation {
        public static let name = "card.activate"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public var card: String
            /// A registered customer to attach at the same time.
            public var customer: Int64?
            public init(merchant: String? = nil, card: String, customer: Int64? = nil) {
                self.merchant = merchant
                self.card = card
                self.customer = customer
            }
        }
        public typealias Answer = CardStateAnswer
    }

    /// Blocks a lost or stolen card at once; its balance stays on the account.
    public enum CardBlock: WireOperation {
        public static let name = "card.block"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public var card: String
            /// `lost` when absent.
            public var reason: String?
            public init(merchant: String? = nil, card: String, reason: String? = nil) {
                self.merchant = merchant
                self.card = card
                self.reason = reason
            }
        }
        public typealias Answer = CardStateAnswer
    }

    /// Moves the account, with its whole balance, to a new card; the old number is retired.
    public enum CardReplace: WireOperation {
        public static let name = "card.replace"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public var card: String
            /// One of `Program.CardRules.replacementReasons`; decides the fee.
            public var reason: String
            /// A blank card to use; the next number of the merchant's range when absent.
            public var newCard: String?
            public init(merchant: String? = nil, card: String, reason: String, newCard: String? = nil) {
                self.merchant = merchant
                self.card = card
                self.reason = reason
                self.newCard = newCard
            }
        }
        public typealias Answer = ReplaceAnswer
    }

    /// The pharmacy system's patient reference on the card, sealed; null removes it.
    public enum CardLinkPatient: WireOperation {
        public static let name = "card.link-patient"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public var card: String
            public var patientRef: String?
            public init(merchant: String? = nil, card: String, patientRef: String?) {
                self.merchant = merchant
                self.card = card
                self.patientRef = patientRef
            }
        }
        public typealias Answer = CardLookupAnswer
    }

    /// Grants or withdraws membership (the program's member multiplier) for sales from now on.
    public enum MembershipSet: WireOperation {
        public static let name = "membership.set"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public var card: String
            public var member: Bool
            public init(merchant: String? = nil, card: String, member: Bool) {
                self.merchant = merchant
                self.card = card
                self.member = member
            }
        }
        public typealias Answer = CardLookupAnswer
    }

    /// Takes the person off the card's account (loss, theft, a changed household) without
    /// erasing them; the balance and the ledger stay with the card.
    public enum CardDetach: WireOperation {
        public static let name = "card.detach"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public var card: String
            public init(merchant: String? = nil, card: String) {
                self.merchant = merchant
                self.card = card
            }
        }
        public typealias Answer = CardLookupAnswer
    }

    /// Puts `card` on the account of `into` (a household).
    public enum AccountPool: WireOperation {
        public static let name = "account.pool"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public var card: String
            public var into: String
            public init(merchant: String? = nil, card: String, into: String) {
                self.merchant = merchant
                self.card = card
                self.into = into
            }
        }
        public typealias Answer = HouseholdAnswer
    }

    /// Takes `card` off a household onto an account of its own, with `points` and `amount`.
    public enum AccountSplit: WireOperation {
        public static let name = "account.split"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public var card: String
            public var points: Int64?
            public var amount: String?
            public init(merchant: String? = nil, card: String, points: Int64? = nil, amount: String? = nil) {
                self.merchant = merchant
                self.card = card
                self.points = points
                self.amount = amount
            }
        }
        public typealias Answer = HouseholdAnswer
    }
}

public struct CardStateAnswer: Sendable, Codable, Equatable {
    public var card: CardView
    public var activeFrom: String?
    public init(card: CardView, activeFrom: String?) {
        self.card = card
        self.activeFrom = activeFrom
    }
}

public struct ReplaceAnswer: Sendable, Codable, Equatable {
    public struct Fee: Sendable, Codable, Equatable {
        public enum PaidFrom: String, Sendable, Codable {
            /// Taken from the discount balance.
            case balance
            /// The customer pays it at the till.
            case till
        }

        public var amount: String
        public var paidFrom: PaidFrom
        public init(amount: String, paidFrom: PaidFrom) {
            self.amount = amount
            self.paidFrom = paidFrom
        }
    }

    /// The new card.
    public var card: CardView
    /// The old card, now `replaced`.
    public var replaced: CardView
    public var account: AccountView
    public var fee: Fee?
    public init(card: CardView, replaced: CardView, account: AccountView, fee: Fee?) {
        self.card = card
        self.replaced = replaced
        self.account = account
        self.fee = fee
    }
}

public struct HouseholdAnswer: Sendable, Codable, Equatable {
    public var account: AccountView
    public var cards: [CardView]
    public init(account: AccountView, cards: [CardView]) {
        self.account = account
        self.cards = cards
    }
}
