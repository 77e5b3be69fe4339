/// A loyalty program's rules as data: what earns, how much, when the card earns nothing, and
/// how a balance is spent. Programs are read from the program file (docs/program-file.md) and
/// stored with a version, so an entry always keeps the rules it was made under.
public struct Program: Sendable, Hashable, Codable {
    public var points: PointsRule?
    public var discount: DiscountRule?
    public var multipliers: Multipliers?
    public var closed: ClosedHours?
    public var rewards: [Reward]?
    /// Lets a card in the merchant's range that this merchant has never seen earn straight away,
    /// as a new anonymous account: a shared card design used by several independent pharmacies.
    public var autoEnrol: Bool?
    public var cards: CardRules?
    /// Prepaid (stored value) cards: absent when the merchant sells none.
    public var prepaid: PrepaidRule?
    /// A stamp card (CardKinds.swift): absent when the merchant gives no stamps.
    public var stamps: StampRule?
    /// Cardholders' prices, quoted by `txn.quote` before payment.
    public var cardholderPrices: CardholderPrices?
    /// Time-limited rules (Campaigns.swift), added and cancelled from the back office; each
    /// change is a new program version.
    public var campaigns: [Campaign]?
    /// What segments and mailings may use of purchases (a pharmacy's medicine is health data).
    public var marketing: MarketingRule? = nil

    public init(
        points: PointsRule? = nil, discount: DiscountRule? = nil, multipliers: Multipliers? = nil,
        closed: ClosedHours? = nil, rewards: [Reward]? = nil, autoEnrol: Bool? = nil, cards: CardRules? = nil,
        prepaid: PrepaidRule? = nil, stamps: StampRule? = nil, cardholderPrices: CardholderPrices? = nil,
        campaigns: [Campaign]? = nil
    ) {
        self.campaigns = campaigns
        self.prepaid = prepaid
        self.stamps = stamps
        self.cardholderPrices = cardholderPrices
        self.points = points
        self.discount = discount
        self.multipliers = multipliers
        self.closed = closed
        self.rewards = rewards
        self.autoEnrol = autoEnrol
        self.cards = cards
    }

    /// How cards are handed out and replaced.
    public struct CardRules: Sendable, Hashable, Codable {
        /// Hours between activation at the counter and the first earn (a cooperative checks the
        /// membership form first). 0 when absent.
        public var activationDelayHours: Int?
        /// Fee per replacement reason (`lost`, `stolen`, `worn`, `defective`, `misuse`) as a decimal
        /// string; a reason not listed is free. `misuse` is the Belgian regulation's "intentional
        /// damage or misuse" (article 10), which costs the customer a fee where wear does not.
        public var replacementFees: [String: String]?

        public init(activationDelayHours: Int? = nil, replacementFees: [String: String]? = nil) {
            self.activationDelayHours = activationDelayHours
            self.replacementFees = replacementFees
        }

        public static let replacementReasons = ["lost", "stolen", "worn", "defective", "misuse"]
    }

    /// Prepaid money: loaded at the till, paid with at the till, never mixed with points or discount.
    public struct PrepaidRule: Sendable, Hashable, Codable {
        /// The most one card's prepaid balance may hold, a decimal string (a load past it is
        /// refused); the ledger's balance limit when absent.
        public var maximumBalance: String?

        public init(maximumBalance: String? = nil) {
            self.maximumBalance = maximumBalance
        }
    }

    /// Points: `points` for every whole `per` of spend (after multipliers).
    public struct PointsRule: Sendable, Hashable, Codable {
        /// The spend that earns one unit, as a decimal string in the merchant's currency: `"1.00"`, `"0.50"`.
        public var per: String
        /// Points per unit of spend; 1 unless the program says otherwise.
        public var points: Int64?
        /// Line categories that earn no points (tobacco, reimbursed medicine, gift cards...).
        public var excludeCategories: [String]?
        /// The fewest points one redeem may spend; defaults to 1.
        public var minimumRedeem: Int64?

        public init(per: String, points: Int64? = nil, excludeCategories: [String]? = nil, minimumRedeem: Int64? = nil)
        {
            self.per = per
            self.points = points
            self.excludeCategories = excludeCategories
            self.minimumRedeem = minimumRedeem
        }
    }

    /// A discount balance in money, earned per line at a rate set by the line's category.
    public struct DiscountRule: Sendable, Hashable, Codable {
        /// Rate per category, e.g. `{"reimbursed-medicine": "0", "otc": "0.02"}`.
        public var rates: [String: Ratio]
        /// Rate for a line whose category is missing or not listed.
        public var defaultRate: Ratio
        /// The balance must be at least this (decimal string) before any of it may be spent.
        public var redeemFrom: String?
        /// Whether the balance may ever leave the shop as cash. Pharmacies: never.
        public var cashOut: Bool?
        /// A rate above 1 (more than 100 % of the spend back) is refused as a typing error
        /// (`"5"` meant as 5 %) unless this says it is meant.
        public var allowRateAbove100Percent: Bool?

        public init(
            rates: [String: Ratio], defaultRate: Ratio, redeemFrom: String? = nil, cashOut: Bool? = nil,
            allowRateAbove100Percent: Bool? = nil
        ) {
            self.rates = rates
            self.defaultRate = defaultRate
            self.redeemFrom = redeemFrom
            self.cashOut = cashOut
            self.allowRateAbove100Percent = allowRateAbove100Percent
        }
    }

    /// Extra earning for own-brand lines and for members.
    public struct Multipliers: Sendable, Hashable, Codable {
        public enum Combination: String, Sendable, Hashable, Codable {
            /// Own-brand x2 and member x2 give x4.
            case multiply
            /// Own-brand x2 and member x2 give x3: each adds its extra over x1.
            case add
            /// Own-brand x2 and member x3 give x3: the best one applies alone.
            case highest
        }

        /// Multiplier per brand, matched against a line's `brand`.
        public var brands: [String: Ratio]?
        /// Multiplier for accounts marked as members, on every line.
        public var member: Ratio?
        public var combine: Combination

        public init(brands: [String: Ratio]? = nil, member: Ratio? = nil, combine: Combination) {
            self.brands = brands
            self.member = member
            self.combine = combine
        }
    }

    /// An item of the reward catalog, bought with points.
    public struct Reward: Sendable, Hashable, Codable {
        public var sku: String
        public var name: String
        public var points: Int64

        public init(sku: String, name: String, points: Int64) {
            self.sku = sku
            self.name = name
            self.points = points
        }
    }
}
