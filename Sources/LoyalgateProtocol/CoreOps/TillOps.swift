import Foundation
import LoyaltyDomain

// The ops a till uses at the counter (docs/protocol.md, "Core ops"). Each names its parameters
// and its answer; the core's handler for each is in LoyaltyCore/TillHandlers.swift.

extension CoreOp {
    /// What a till shows when a card is scanned.
    public enum CardLookup: WireOperation {
        public static let name = "card.lookup"
        public static let role = Role.till
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

    /// Points and discount for a sale; idempotent on (till, receipt).
    public enum TxnEarn: WireOperation {
        public static let name = "txn.earn"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable, TillTransaction {
            public var merchant: String?
            public var card: String
            public var till: String
            public var receipt: String
            public var lines: [SaleLineInput]
            /// When the sale happened (RFC 3339), for a till that was offline; now when absent.
            public var at: String?
            /// The cardholder discounts (`txn.quote`'s lines) the till applied, kept with the sale.
            public var applied: [QuoteLine]?
            public init(
                merchant: String? = nil, card: String, till: String, receipt: String, lines: [SaleLineInput],
                at: String? = nil, applied: [QuoteLine]? = nil
            ) {
                self.applied = applied
                self.merchant = merchant
                self.card = card
                self.till = till
                self.receipt = receipt
                self.lines = lines
                self.at = at
            }
        }
        public typealias Answer = TxnAnswer
    }

    /// Spends points, a reward's points price, or discount balance; idempotent on (till, receipt).
    public enum TxnRedeem: WireOperation {
        public static let name = "txn.redeem"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable, TillTransaction {
            public var merchant: String?
            public var card: String
            public var till: String
            public var receipt: String
            public var points: Int64?
            /// Discount balance to spend, a decimal string.
            public var amount: String?
            /// A reward catalog SKU: spends the reward's points price.
            public var reward: String?
            /// What the purchase the discount pays toward costs: a discount never pays out more.
            public var purchaseTotal: String?
            /// A till asking to pay the balance out in cash.
            public var cash: Bool?
            public var at: String?
            public init(
                merchant: String? = nil, card: String, till: String, receipt: String, points: Int64? = nil,
                amount: String? = nil,
                reward: String? = nil, purchaseTotal: String? = nil, cash: Bool? = nil, at: String? = nil
            ) {
                self.merchant = merchant
                self.card = card
                self.till = till
                self.receipt = receipt
                self.points = points
                self.amount = amount
                self.reward = reward
                self.purchaseTotal = purchaseTotal
                self.cash = cash
                self.at = at
            }

            public var lines: [SaleLineInput] { [] }

            /// Exactly one of points, amount or reward, as the domain's ask.
            public func ask() throws(LoyaltyError) -> RedeemAsk {
                switch (points, amount, reward) {
                case (let points?, nil, nil): return .points(points)
                case (nil, let amount?, nil):
                    return .discount(amount: amount, purchaseTotal: purchaseTotal, cash: cash ?? false)
                case (nil, nil, let reward?): return .reward(sku: reward)
                default:
                    throw LoyaltyError(
                        .badRequest, "A redeem needs exactly one of \"points\", \"amount\" or \"reward\".")
                }
            }
        }
        public typealias Answer = TxnAnswer
    }

    /// Takes back what returned lines earned; idempotent on (till, receipt).
    public enum TxnReturn: WireOperation {
        public static let name = "txn.return"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable, TillTransaction {
            public struct Original: Codable, Sendable, Equatable {
                public var till: String
                public var receipt: String
                public init(till: String, receipt: String) {
                    self.till = till
                    self.receipt = receipt
                }
            }

            public var merchant: String?
            public var till: String
            public var receipt: String
            /// The earn the returned lines were sold on.
            public var original: Original
            public var lines: [SaleLineInput]
            public var at: String?
            public init(
                merchant: String? = nil, till: String, receipt: String, original: Original, lines: [SaleLineInput],
                at: String? = nil
            ) {
                self.merchant = merchant
                self.till = till
                self.receipt = receipt
                self.original = original
                self.lines = lines
                self.at = at
            }

            public mutating func normaliseOtherIdentifiers() throws(LoyaltyError) {
                original.till = try Identifier.normalised(original.till, field: "original.till")
                original.receipt = try Identifier.normalised(original.receipt, field: "original.receipt")
            }
        }
        public typealias Answer = TxnAnswer
    }

    /// The account's ledger, newest first.
    public enum AccountHistory: WireOperation {
        public static let name = "account.history"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public var card: String
            /// At most this many entries (1 to 1000; 50 when absent).
            public var limit: Int?
            public init(merchant: String? = nil, card: String, limit: Int? = nil) {
                self.merchant = merchant
                self.card = card
                self.limit = limit
            }
        }
        public typealias Answer = HistoryAnswer
    }

    /// A customer found at the till by phone or email: display name, cards and accounts only.
    public enum CustomerFind: WireOperation {
        public static let name = "customer.find"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public var phone: String?
            public var email: String?
            public init(merchant: String? = nil, phone: String? = nil, email: String? = nil) {
                self.merchant = merchant
                self.phone = phone
                self.email = email
            }
        }
        public typealias Answer = CustomerMatches
    }

    /// The reward catalog of the merchant's current program.
    public enum ProgramRewards: WireOperation {
        public static let name = "program.rewards"
        public static let role = Role.till
        public typealias Parameters = MerchantParameters
        public typealias Answer = RewardsAnswer
    }

    /// Is the core there, which card ranges it knows, and what role the caller has: what a
    /// gateway or `doctor` asks first.
    public enum CoreStatus: WireOperation {
        public static let name = "core.status"
        public static let role = Role.till
        public typealias Parameters = NoParameters
        public typealias Answer = StatusAnswer
    }
}

/// Parameters of an op that only names the merchant (or leaves it to the core when it has one).
public struct MerchantParameters: Codable, Sendable, Equatable {
    public var merchant: String?
    public init(merchant: String? = nil) {
        self.merchant = merchant
    }
}

public struct CardLookupAnswer: Sendable, Codable, Equatable {
    public var card: CardView
    public var account: AccountView
    public var customer: CustomerView?
    public var patientRef: String?
    /// Whether the account earns the member multiplier.
    public var member: Bool
    /// The stamp card, when the program has one: the stamps and what they are worth.
    public var stampCard: StampCardView?
    /// The card's vouchers that can still be used; absent when there are none.
    public var vouchers: [VoucherView]?
    /// The program's announced last day (`YYYY-MM-DD`), for the receipt; absent when none.
    public var programEnds: String?

    public init(
        card: CardView, account: AccountView, customer: CustomerView?, patientRef: String?, member: Bool,
        stampCard: StampCardView? = nil, vouchers: [VoucherView]? = nil
    ) {
        self.stampCard = stampCard
        self.vouchers = vouchers
        self.card = card
        self.account = account
        self.customer = customer
        self.patientRef = patientRef
        self.member = member
    }

    // The contract shows `customer` and `patientRef` as null rather than absent.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(card, forKey: .card)
        try container.encode(account, forKey: .account)
        try container.encode(customer, forKey: .customer)
        try container.encode(patientRef, forKey: .patientRef)
        try container.encode(member, forKey: .member)
        try container.encodeIfPresent(stampCard, forKey: .stampCard)
        try container.encodeIfPresent(vouchers, forKey: .vouchers)
        try container.encodeIfPresent(programEnds, forKey: .programEnds)
    }
}

/// The answer to earn, redeem and return; stored with the transaction and replayed as it was.
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
    /// The change to the stamps (an earn's stamps, a return's taken back); absent when none.
    public var stamps: Int64?
    /// The program's announced last day (`YYYY-MM-DD`), for the receipt: absent when no end
    /// is announced (docs/program-end.md).
    public var programEnds: String?
    /// The JSON the store wrote for replays, kept so the wire answer reuses its bytes instead of
    /// encoding the same answer a second time. Not part of the answer: never encoded, never
    /// compared, and used only while the answer is still the one it was made from (`storedJSON`).
    public var stored = Stored()

    private enum CodingKeys: String, CodingKey {
        case txn, kind, card, points, discount, account, at, redeemed, shortfall, replayed, stamps, programEnds
    }

    /// The answer's stored JSON and the answer it was encoded from, or nothing kept. Always
    /// equal to another: two answers are equal by what they say, whatever they cache.
    public struct Stored: Sendable, Equatable {
        let answer: Box?
        let json: Data?

        public init() {
            answer = nil
            json = nil
        }

        init(answer: TxnAnswer, json: Data) {
            self.answer = Box(answer)
            self.json = json
        }

        final class Box: Sendable {
            let answer: TxnAnswer
            init(_ answer: TxnAnswer) { self.answer = answer }
        }

        public static func == (lhs: Stored, rhs: Stored) -> Bool { true }
    }

    /// Keeps `json` (this answer, encoded) for the wire answer.
    public mutating func keep(storedJSON json: Data) {
        var plain = self
        plain.stored = Stored()
        stored = Stored(answer: plain, json: json)
    }

    /// The kept JSON, when it still says what this answer says apart from `programEnds` (which
    /// is never stored and goes on the wire beside it).
    var storedJSON: Data? {
        guard let json = stored.json, let kept = stored.answer?.answer, json.first == UInt8(ascii: "{") else {
            return nil
        }
        var plain = self
        plain.programEnds = nil
        return plain == kept ? json : nil
    }

    public init(
        txn: Int64, kind: String, card: String, points: Int64, discount: String, account: AccountView, at: String,
        redeemed: Redeemed?, shortfall: Shortfall?, replayed: Bool
    ) {
        self.txn = txn
        self.kind = kind
        self.card = card
        self.points = points
        self.discount = discount
        self.account = account
        self.at = at
        self.redeemed = redeemed
        self.shortfall = shortfall
        self.replayed = replayed
    }

    public struct Redeemed: Sendable, Codable, Equatable {
        public var points: Int64
        public var amount: String
        public var reward: Program.Reward?
        public init(points: Int64, amount: String, reward: Program.Reward?) {
            self.points = points
            self.amount = amount
            self.reward = reward
        }
    }

    public struct Shortfall: Sendable, Codable, Equatable {
        public var points: Int64
        public var amount: String
        public init(points: Int64, amount: String) {
            self.points = points
            self.amount = amount
        }
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
    /// The merchant's program version number (1, 2, ...) the entry was made under.
    public var programVersion: Int64?
    public var at: String
    public var recordedAt: String
    /// The signed change to the prepaid balance; absent when the entry does not move it.
    public var prepaid: String?
    /// The signed change to the stamps; absent when the entry does not move them.
    public var stamps: Int64?
    /// An earn's cardholder discounts, as the till applied them.
    public var applied: [QuoteLine]?

    public init(
        id: Int64, kind: String, card: String, till: String?, receipt: String?, points: Int64, amount: String,
        shortfallPoints: Int64, shortfallAmount: String, programVersion: Int64?, at: String, recordedAt: String,
        prepaid: String? = nil, stamps: Int64? = nil, applied: [QuoteLine]? = nil
    ) {
        self.prepaid = prepaid
        self.stamps = stamps
        self.applied = applied
        self.id = id
        self.kind = kind
        self.card = card
        self.till = till
        self.receipt = receipt
        self.points = points
        self.amount = amount
        self.shortfallPoints = shortfallPoints
        self.shortfallAmount = shortfallAmount
        self.programVersion = programVersion
        self.at = at
        self.recordedAt = recordedAt
    }
}

public struct HistoryAnswer: Sendable, Codable, Equatable {
    public var entries: [HistoryEntry]
    /// Changes to the account that move no money (membership, a person detached), newest
    /// first; absent when there were none.
    public var changes: [AccountChange]?
    public init(entries: [HistoryEntry], changes: [AccountChange]? = nil) {
        self.entries = entries
        self.changes = changes
    }
}

/// A membership granted or withdrawn (`member` says which), or a person detached from the
/// card (`kind: "detach"`), from `at` on.
public struct AccountChange: Sendable, Codable, Equatable {
    public var kind: String
    public var card: String
    public var member: Bool?
    public var at: String
    public init(kind: String, card: String, member: Bool?, at: String) {
        self.kind = kind
        self.card = card
        self.member = member
        self.at = at
    }
}

public struct RewardsAnswer: Sendable, Codable, Equatable {
    public var rewards: [Program.Reward]
    public init(rewards: [Program.Reward]) {
        self.rewards = rewards
    }
}

public struct StatusAnswer: Sendable, Codable, Equatable {
    public struct MerchantSummary: Sendable, Codable, Equatable {
        public var code: String
        public var name: String
        public var currency: String
        /// Scans starting with this prefix are this merchant's cards.
        public var cardPrefix: String?
        public init(code: String, name: String, currency: String, cardPrefix: String?) {
            self.code = code
            self.name = name
            self.currency = currency
            self.cardPrefix = cardPrefix
        }
    }

    public var version: String
    public var role: Role
    public var merchants: [MerchantSummary]

    public init(version: String, role: Role, merchants: [MerchantSummary]) {
        self.version = version
        self.role = role
        self.merchants = merchants
    }
}
