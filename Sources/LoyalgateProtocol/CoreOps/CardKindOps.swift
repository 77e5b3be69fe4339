import LoyaltyDomain

// Stamp cards, vouchers and cardholder prices (docs/protocol.md, "Stamps, vouchers and
// cardholder prices"). Handlers: LoyaltyCore/CardKindHandlers.swift.

extension CoreOp {
    /// Turns a full stamp card into the program's reward; idempotent on (till, receipt).
    public enum StampsRedeem: WireOperation {
        public static let name = "stamps.redeem"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable, TillTransaction {
            public var merchant: String?
            public var card: String
            public var till: String
            public var receipt: String
            public var at: String?
            public init(merchant: String? = nil, card: String, till: String, receipt: String, at: String? = nil) {
                self.merchant = merchant
                self.card = card
                self.till = till
                self.receipt = receipt
                self.at = at
            }
            public var lines: [SaleLineInput] { [] }
        }
        public typealias Answer = StampAnswer
    }

    /// Issues a voucher, to a card or as a bearer code; idempotent on (till, receipt).
    public enum VoucherIssue: WireOperation {
        public static let name = "voucher.issue"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable, TillTransaction {
            public var merchant: String?
            /// The card it is issued to; a bearer voucher (whoever holds the code) when absent.
            public var card: String?
            public var till: String
            public var receipt: String
            /// `value`, `percent` or `item`.
            public var kind: VoucherTerms.Kind
            /// `value`: the amount off, a decimal string.
            public var amount: String?
            /// `percent`: the rate off, a decimal string ("0.10" is 10 %).
            public var percent: String?
            /// `item`: the free item's SKU and name.
            public var sku: String?
            public var name: String?
            /// How many times it may be used; 1 when absent.
            public var uses: Int64?
            /// Local dates (`2026-12-31`), both inclusive.
            public var validFrom: String?
            public var validUntil: String?
            /// The least purchase it may be used on, a decimal string.
            public var minimumPurchase: String?
            public var at: String?
            public init(
                merchant: String? = nil, card: String? = nil, till: String, receipt: String, kind: VoucherTerms.Kind,
                amount: String? = nil, percent: String? = nil, sku: String? = nil, name: String? = nil,
                uses: Int64? = nil, validFrom: String? = nil, validUntil: String? = nil,
                minimumPurchase: String? = nil, at: String? = nil
            ) {
                self.merchant = merchant
                self.card = card
                self.till = till
                self.receipt = receipt
                self.kind = kind
                self.amount = amount
                self.percent = percent
                self.sku = sku
                self.name = name
                self.uses = uses
                self.validFrom = validFrom
                self.validUntil = validUntil
                self.minimumPurchase = minimumPurchase
                self.at = at
            }
            public var lines: [SaleLineInput] { [] }
        }
        public typealias Answer = VoucherAnswer
    }

    /// Uses a voucher once on a purchase; idempotent on (till, receipt, code). Two tills using
    /// its last use at the same moment: one gets it, the other `voucher-spent`.
    public enum VoucherRedeem: WireOperation {
        public static let name = "voucher.redeem"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable, TillTransaction {
            public var merchant: String?
            public var code: String
            public var till: String
            public var receipt: String
            /// The purchase it is used on, a decimal string: needed for a percent voucher or a
            /// minimum purchase; caps a value voucher (no change is given).
            public var purchaseTotal: String?
            public var at: String?
            public init(
                merchant: String? = nil, code: String, till: String, receipt: String, purchaseTotal: String? = nil,
                at: String? = nil
            ) {
                self.merchant = merchant
                self.code = code
                self.till = till
                self.receipt = receipt
                self.purchaseTotal = purchaseTotal
                self.at = at
            }
            public var lines: [SaleLineInput] { [] }
        }
        public typealias Answer = VoucherAnswer
    }

    /// A voucher's terms and state, for a scanned code (the gateway's `kind: "voucher"`).
    public enum VoucherLookup: WireOperation {
        public static let name = "voucher.lookup"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public var code: String
            public init(merchant: String? = nil, code: String) {
                self.merchant = merchant
                self.code = code
            }
        }
        public typealias Answer = VoucherView
    }

    /// The cardholder discounts a basket gets, before payment; changes nothing.
    public enum TxnQuote: WireOperation {
        public static let name = "txn.quote"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public var card: String
            /// The basket at its shelf prices.
            public var lines: [SaleLineInput]
            public var at: String?
            public init(merchant: String? = nil, card: String, lines: [SaleLineInput], at: String? = nil) {
                self.merchant = merchant
                self.card = card
                self.lines = lines
                self.at = at
            }
        }
        public typealias Answer = QuoteAnswer
    }
}

/// The answer to `stamps.redeem`, stored and replayed as it was.
public struct StampAnswer: Sendable, Codable, Equatable {
    public var txn: Int64
    public var kind: String
    public var card: String
    /// The change to the stamps (negative for a redeem).
    public var stamps: Int64
    /// The stamps on the card after it.
    public var balance: Int64
    public var reward: Program.StampReward
    public var at: String
    public var replayed: Bool
    public init(
        txn: Int64, kind: String, card: String, stamps: Int64, balance: Int64, reward: Program.StampReward, at: String,
        replayed: Bool
    ) {
        self.txn = txn
        self.kind = kind
        self.card = card
        self.stamps = stamps
        self.balance = balance
        self.reward = reward
        self.at = at
        self.replayed = replayed
    }
}

/// A stamp card as `card.lookup` and `txn.quote` show it: the stamps, how many make the
/// reward, and how many rewards the stamps pay for now.
public struct StampCardView: Sendable, Codable, Equatable {
    public var stamps: Int64
    public var needed: Int64
    public var rewards: Int64
    public var reward: Program.StampReward
    public init(stamps: Int64, needed: Int64, rewards: Int64, reward: Program.StampReward) {
        self.stamps = stamps
        self.needed = needed
        self.rewards = rewards
        self.reward = reward
    }
}

/// A voucher: its code, terms and state (`valid`, `spent`, `expired`, `not-yet-valid`).
public struct VoucherView: Sendable, Codable, Equatable {
    public var code: String
    public var kind: VoucherTerms.Kind
    public var state: String
    public var currency: String
    public var amount: String?
    public var percent: String?
    public var sku: String?
    public var name: String?
    public var uses: Int64
    public var used: Int64
    public var validFrom: String?
    public var validUntil: String?
    public var minimumPurchase: String?
    /// The card it was issued to; absent for a bearer voucher.
    public var card: String?
    public init(
        code: String, kind: VoucherTerms.Kind, state: String, currency: String, amount: String?, percent: String?,
        sku: String?, name: String?, uses: Int64, used: Int64, validFrom: String?, validUntil: String?,
        minimumPurchase: String?, card: String?
    ) {
        self.code = code
        self.kind = kind
        self.state = state
        self.currency = currency
        self.amount = amount
        self.percent = percent
        self.sku = sku
        self.name = name
        self.uses = uses
        self.used = used
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.minimumPurchase = minimumPurchase
        self.card = card
    }
}

/// The answer to `voucher.issue` and `voucher.redeem`, stored and replayed as it was.
public struct VoucherAnswer: Sendable, Codable, Equatable {
    /// `issue` or `redeem`.
    public var kind: String
    public var voucher: VoucherView
    /// A redeem's amount off the purchase (0 for a free item), a decimal string.
    public var discount: String?
    public var at: String
    public var replayed: Bool
    public init(kind: String, voucher: VoucherView, discount: String?, at: String, replayed: Bool) {
        self.kind = kind
        self.voucher = voucher
        self.discount = discount
        self.at = at
        self.replayed = replayed
    }
}

/// One line's cardholder discount in a quote; the till sends the ones it applied back with
/// the earn (`txn.earn`'s `applied`).
public struct QuoteLine: Sendable, Codable, Hashable {
    public var sku: String
    /// The shelf price of the line, before the discount.
    public var price: String
    /// The amount off, a decimal string.
    public var discount: String
    public var rate: String
    /// `sku`, `category`, `member-sku` or `member-category`: which rate of the program gave it.
    public var basis: String
    public init(sku: String, price: String, discount: String, rate: String, basis: String) {
        self.sku = sku
        self.price = price
        self.discount = discount
        self.rate = rate
        self.basis = basis
    }
}

public struct QuoteAnswer: Sendable, Codable, Equatable {
    public var card: String
    public var member: Bool
    public var currency: String
    /// The lines that get a discount (lines without one are left out).
    public var lines: [QuoteLine]
    /// The discounts together, a decimal string.
    public var discount: String
    public init(card: String, member: Bool, currency: String, lines: [QuoteLine], discount: String) {
        self.card = card
        self.member = member
        self.currency = currency
        self.lines = lines
        self.discount = discount
    }
}
