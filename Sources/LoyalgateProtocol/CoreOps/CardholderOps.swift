import LoyaltyDomain

// The cardholder's own view (docs/cardholder.md): a signed token bound to one card, made by a
// till or the back office and printed as a QR code, and what the web shows for it. The core
// holds the key; a token names no person, and resolving it answers balances and history only.

extension CoreOp {
    /// A token for the card's own page: HMAC-SHA256 with the core's key over the merchant, the
    /// card number, and the issue and expiry times.
    public enum CardholderToken: WireOperation {
        public static let name = "cardholder.token"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public var card: String
            /// Days the token works (1 to 3660; 400 when absent: a receipt's QR code outlives a year of visits).
            public var days: Int?
            public init(merchant: String? = nil, card: String, days: Int? = nil) {
                self.merchant = merchant
                self.card = card
                self.days = days
            }
        }
        public typealias Answer = CardholderTokenAnswer
    }

    /// What a token shows: the card's balances, last entries, rewards and vouchers, never the
    /// person. Back office only: the web resolves tokens for browsers, a till has no need to.
    public enum CardholderView: WireOperation {
        public static let name = "cardholder.view"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var token: String
            /// At most this many entries (1 to 50; 10 when absent).
            public var limit: Int?
            public init(token: String, limit: Int? = nil) {
                self.token = token
                self.limit = limit
            }
        }
        public typealias Answer = CardholderViewAnswer
    }
}

public struct CardholderTokenAnswer: Sendable, Codable, Equatable {
    public var token: String
    public var card: String
    public var merchant: String
    public var issued: String
    public var expires: String
    public init(token: String, card: String, merchant: String, issued: String, expires: String) {
        self.token = token
        self.card = card
        self.merchant = merchant
        self.issued = issued
        self.expires = expires
    }
}

/// One ledger entry as the cardholder sees it: what changed and when, no till or receipt.
public struct CardholderEntry: Sendable, Codable, Equatable {
    /// The ledger's kind: `earn`, `redeem`, `return`, `prepaid-load`, `fee`, ...
    public var kind: String
    public var points: Int64
    /// The signed change to the discount balance, a decimal string.
    public var amount: String
    public var prepaid: String?
    public var stamps: Int64?
    public var at: String
    public init(kind: String, points: Int64, amount: String, prepaid: String?, stamps: Int64?, at: String) {
        self.kind = kind
        self.points = points
        self.amount = amount
        self.prepaid = prepaid
        self.stamps = stamps
        self.at = at
    }
}

public struct CardholderViewAnswer: Sendable, Codable, Equatable {
    public var merchant: String
    /// The shop's name, as its program gives it.
    public var shop: String
    public var card: String
    public var status: CardStatus
    /// The balances; `id` is always absent (an account number is of no use to the holder).
    public var account: AccountView
    public var stampCard: StampCardView?
    /// The card's vouchers that can still be used.
    public var vouchers: [VoucherView]
    public var entries: [CardholderEntry]
    /// The program's reward catalog, cheapest first.
    public var rewards: [Program.Reward]
    public var issued: String
    public var expires: String
    /// The program's announced last day (`YYYY-MM-DD`), when one is announced.
    public var programEnds: String?
    public init(
        merchant: String, shop: String, card: String, status: CardStatus, account: AccountView,
        stampCard: StampCardView?, vouchers: [VoucherView], entries: [CardholderEntry], rewards: [Program.Reward],
        issued: String, expires: String, programEnds: String? = nil
    ) {
        self.programEnds = programEnds
        self.merchant = merchant
        self.shop = shop
        self.card = card
        self.status = status
        self.account = account
        self.stampCard = stampCard
        self.vouchers = vouchers
        self.entries = entries
        self.rewards = rewards
        self.issued = issued
        self.expires = expires
    }
}
