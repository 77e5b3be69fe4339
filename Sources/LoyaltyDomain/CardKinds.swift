import GS1

// The card kinds besides points, discount and prepaid: stamp cards, vouchers and cardholder
// prices (issue 12). The rules are here, pure; the ledger keeps their entries
// (LoyaltyStore/LedgerDatabase+CardKinds.swift).

extension Program {
    /// A stamp card: stamps per visit or per qualifying item, and what a full card buys.
    public struct StampRule: Sendable, Hashable, Codable {
        public enum Basis: String, Sendable, Hashable, Codable {
            /// `stamps` once per receipt that has qualifying lines worth at least `minimumAmount`.
            case visit
            /// `stamps` per qualifying unit (a line's `qty`, 1 when absent) whose price is at
            /// least `minimumAmount`.
            case item
        }

        public var per: Basis
        /// Stamps per visit or per item; 1 when absent.
        public var stamps: Int64?
        /// The categories and SKUs that qualify; every line when both are absent.
        public var categories: [String]?
        public var skus: [String]?
        /// A decimal string: the least a visit's qualifying lines (or one item) must cost.
        public var minimumAmount: String?
        public var reward: StampReward

        public init(
            per: Basis, stamps: Int64? = nil, categories: [String]? = nil, skus: [String]? = nil,
            minimumAmount: String? = nil, reward: StampReward
        ) {
            self.per = per
            self.stamps = stamps
            self.categories = categories
            self.skus = skus
            self.minimumAmount = minimumAmount
            self.reward = reward
        }
    }

    /// What `stamps` stamps turn into at the till: a free item (`sku`) or an amount off.
    public struct StampReward: Sendable, Hashable, Codable {
        public var stamps: Int64
        /// What the cashier and the receipt call it: "Free coffee".
        public var name: String
        public var sku: String?
        /// A decimal string in the merchant's currency.
        public var amountOff: String?

        public init(stamps: Int64, name: String, sku: String? = nil, amountOff: String? = nil) {
            self.stamps = stamps
            self.name = name
            self.sku = sku
            self.amountOff = amountOff
        }
    }

    /// Cardholders' prices: a rate off per SKU or category for every cardholder, and members'
    /// rates on top (the best rate that applies to a line is the one given).
    public struct CardholderPrices: Sendable, Hashable, Codable {
        public var skus: [String: Ratio]?
        public var categories: [String: Ratio]?
        public var memberSkus: [String: Ratio]?
        public var memberCategories: [String: Ratio]?

        public init(
            skus: [String: Ratio]? = nil, categories: [String: Ratio]? = nil, memberSkus: [String: Ratio]? = nil,
            memberCategories: [String: Ratio]? = nil
        ) {
            self.skus = skus
            self.categories = categories
            self.memberSkus = memberSkus
            self.memberCategories = memberCategories
        }
    }
}

/// The checks of the new kinds' program fields, called by `EarningRules.init`.
extension EarningRules {
    static func checkStamps(_ rule: Program.StampRule?, currency: Currency) throws(ProgramError) -> Money? {
        guard let rule else { return nil }
        if let stamps = rule.stamps, !(1...1000).contains(stamps) {
            throw ProgramError("stamps.stamps: \(stamps) must be between 1 and 1000 stamps per \(rule.per.rawValue).")
        }
        guard (1...10000).contains(rule.reward.stamps) else {
            throw ProgramError("stamps.reward.stamps: \(rule.reward.stamps) must be between 1 and 10000.")
        }
        guard !rule.reward.name.isEmpty, rule.reward.name.unicodeScalars.count <= 200 else {
            throw ProgramError("stamps.reward.name: the reward needs a name of 1 to 200 characters (\"Free coffee\").")
        }
        switch (rule.reward.sku, rule.reward.amountOff) {
        case (let sku?, nil):
            guard !sku.isEmpty, sku.unicodeScalars.count <= 64 else {
                throw ProgramError("stamps.reward.sku: \"\(sku.prefix(70))\" must be 1 to 64 characters.")
            }
        case (nil, let text?):
            guard let money = try? Money(parsing: text, currency: currency), money.minorUnits > 0,
                money.minorUnits <= Limits.lineMinorUnits
            else {
                throw ProgramError(
                    "stamps.reward.amountOff: \"\(text.prefix(32))\" must be an amount of more than zero in \(currency.code), like \"2.50\"."
                )
            }
        default:
            throw ProgramError(
                "stamps.reward: give either \"sku\" (a free item) or \"amountOff\" (an amount off), not both or neither."
            )
        }
        guard let text = rule.minimumAmount else { return nil }
        guard let money = try? Money(parsing: text, currency: currency), money.minorUnits >= 0,
            money.minorUnits <= Limits.lineMinorUnits
        else {
            throw ProgramError(
                "stamps.minimumAmount: \"\(text.prefix(32))\" must be an amount of at least 0 in \(currency.code), like \"5.00\"."
            )
        }
        return money
    }

    static func checkCardholderPrices(_ prices: Program.CardholderPrices?) throws(ProgramError) {
        guard let prices else { return }
        for (field, rates) in [
            ("skus", prices.skus), ("categories", prices.categories), ("memberSkus", prices.memberSkus),
            ("memberCategories", prices.memberCategories),
        ] {
            for (key, rate) in (rates ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard rate.millionths > 0, rate.millionths <= Ratio.scale else {
                    throw ProgramError(
                        "cardholderPrices.\(field).\(key): \"\(rate)\" must be a rate above 0 and at most 1 (write 5 % off as \"0.05\")."
                    )
                }
            }
        }
    }

    /// Whether the program has a stamp card.
    public var stampRule: Program.StampRule? { program.stamps }

    /// The stamps a receipt earns. Lines of a qualifying SKU or category count; a visit earns
    /// once when they cost at least the minimum together, an item basis counts each unit whose
    /// price (line amount / qty) is at least the minimum.
    public func stamps(for lines: [SaleLine]) -> Int64 {
        guard let rule = program.stamps else { return 0 }
        let per = rule.stamps ?? 1
        let minimum = stampMinimum?.minorUnits ?? 0
        let qualifying = lines.filter { Self.qualifies($0, rule) }
        switch rule.per {
        case .visit:
            var total: Int128 = 0
            for line in qualifying { total += Int128(max(0, line.amount.minorUnits)) }
            return !qualifying.isEmpty && total > 0 && total >= Int128(minimum) ? per : 0
        case .item:
            var count: Int128 = 0
            for line in qualifying {
                let qty = Int128(max(1, line.qty ?? 1))
                guard line.amount.minorUnits > 0, Int128(line.amount.minorUnits) >= qty * Int128(minimum) else {
                    continue
                }
                count += qty
            }
            return Int64(min(count * Int128(per), Int128(Limits.balance)))
        }
    }

    static func qualifies(_ line: SaleLine, _ rule: Program.StampRule) -> Bool {
        if rule.categories == nil, rule.skus == nil { return true }
        if let category = line.category, rule.categories?.contains(category) == true { return true }
        return rule.skus?.contains(line.sku) == true
    }

    /// The stamps a return takes back: what the original receipt earned less what the lines
    /// still kept earn, less what earlier returns took (never below 0, never more than earned).
    /// A line's quantity comes back with its amount (1 when the return line has none).
    public func stampsBack(
        original: [SaleLine], originalStamps: Int64, earlierReturns: [SaleLine], alreadyTaken: Int64,
        returning: [SaleLine]
    ) -> Int64 {
        var kept: [SaleLine] = []
        var left: [String: (minor: Int64, qty: Int)] = [:]
        for line in original {
            let now = left[line.sku] ?? (0, 0)
            left[line.sku] = (now.minor + line.amount.minorUnits, now.qty + max(1, line.qty ?? 1))
        }
        let sold = left
        for line in earlierReturns + returning {
            guard let now = left[line.sku] else { continue }
            // A return line without `qty` returns the units its amount paid for at the sale's
            // unit price (rounded to the nearest, at least one).
            var units = line.qty ?? 1
            if line.qty == nil, let total = sold[line.sku], total.minor > 0 {
                let share =
                    (Int128(max(0, line.amount.minorUnits)) * Int128(total.qty) + Int128(total.minor / 2))
                    / Int128(total.minor)
                units = Int(min(max(1, share), Int128(total.qty)))
            }
            left[line.sku] = (max(0, now.minor - line.amount.minorUnits), max(0, now.qty - max(1, units)))
        }
        var seen: Set<String> = []
        for line in original where seen.insert(line.sku).inserted {
            guard let now = left[line.sku], now.qty > 0, now.minor > 0 else { continue }
            var keptLine = line
            keptLine.amount.minorUnits = now.minor
            keptLine.qty = now.qty
            kept.append(keptLine)
        }
        let still = stamps(for: kept)
        return max(0, min(originalStamps - still - alreadyTaken, originalStamps - alreadyTaken))
    }

    /// The cardholder discount each line gets: the best rate of its SKU and category (members'
    /// rates too for a member), rounded down to the minor unit. Lines with none are left out.
    public func cardholderDiscounts(for lines: [SaleLine], member: Bool) -> [CardholderDiscount] {
        guard let prices = program.cardholderPrices else { return [] }
        var found: [CardholderDiscount] = []
        for line in lines {
            var best: (rate: Ratio, basis: String)?
            func consider(_ rate: Ratio?, _ basis: String) {
                guard let rate, rate.millionths > (best?.rate.millionths ?? 0) else { return }
                best = (rate, basis)
            }
            consider(prices.skus?[line.sku], "sku")
            consider(line.category.flatMap { prices.categories?[$0] }, "category")
            if member {
                consider(prices.memberSkus?[line.sku], "member-sku")
                consider(line.category.flatMap { prices.memberCategories?[$0] }, "member-category")
            }
            guard let best else { continue }
            let off = Int128(max(0, line.amount.minorUnits)) * Int128(best.rate.millionths) / Int128(Ratio.scale)
            guard off > 0 else { continue }
            found.append(
                CardholderDiscount(
                    sku: line.sku, price: line.amount, discount: Money(minorUnits: Int64(off), currency: currency),
                    rate: best.rate, basis: best.basis))
        }
        return found
    }
}

/// One line's cardholder discount: `price` before it, `discount` off, at `rate` given for its
/// `basis` (`sku`, `category`, `member-sku`, `member-category`).
public struct CardholderDiscount: Sendable, Hashable {
    public var sku: String
    public var price: Money
    public var discount: Money
    public var rate: Ratio
    public var basis: String
    public init(sku: String, price: Money, discount: Money, rate: Ratio, basis: String) {
        self.sku = sku
        self.price = price
        self.discount = discount
        self.rate = rate
        self.basis = basis
    }
}

/// Voucher codes: 13 digits starting with 99 (the GS1 prefix for coupons, never a card's or a
/// product's), ten serial digits and the GS1 check digit, so every scanner reads the printed
/// EAN-13 and the gateway tells a voucher from a card by its shape alone.
public enum VoucherCode {
    public static let prefix = "99"

    /// Whether `text` has a voucher's shape: 13 digits, `99...`, a right check digit.
    public static func isVoucher(_ text: String) -> Bool {
        text.utf8.count == 13 && text.hasPrefix(prefix) && text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 })
            && GS1CheckDigit.isValid(text)
    }

    /// The code as typed (with the spaces or dashes printed between groups), or `invalidInput`.
    public static func parse(_ typed: String) throws(RuleViolation) -> String {
        let text = CardNumber.withoutSeparators(typed)
        guard isVoucher(text) else {
            throw RuleViolation(
                .unknownVoucher,
                "\"\(typed.prefix(32))\" is not a voucher code: a voucher code has 13 digits starting with 99; scan it again or type it carefully."
            )
        }
        return text
    }

    /// The code for a serial of up to ten digits.
    public static func make(serial: UInt64) -> String {
        let digits = String(serial % 10_000_000_000)
        return GS1CheckDigit.appendingCheckDigit(
            to: prefix + String(repeating: "0", count: 10 - digits.count) + digits) ?? ""
    }
}

/// What a voucher gives and when: the rules `voucher.redeem` applies.
public struct VoucherTerms: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// An amount off the purchase (never more than it; no change is given).
        case value
        /// A percentage off the purchase.
        case percent
        /// One free item.
        case item
    }

    public var kind: Kind
    /// `value`: minor units off.
    public var valueMinor: Int64?
    /// `percent`: the rate off (0.10 = 10 %).
    public var rate: Ratio?
    /// `item`: the SKU and name of the free item.
    public var sku: String?
    public var name: String?
    /// How many times it may be used (1: single use).
    public var uses: Int64
    /// Local dates of the merchant, `YYYY-MM-DD`, both inclusive.
    public var validFrom: String?
    public var validUntil: String?
    /// The least purchase it may be used on, minor units.
    public var minimumMinor: Int64?

    public init(
        kind: Kind, valueMinor: Int64? = nil, rate: Ratio? = nil, sku: String? = nil, name: String? = nil,
        uses: Int64 = 1, validFrom: String? = nil, validUntil: String? = nil, minimumMinor: Int64? = nil
    ) {
        self.kind = kind
        self.valueMinor = valueMinor
        self.rate = rate
        self.sku = sku
        self.name = name
        self.uses = uses
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.minimumMinor = minimumMinor
    }

    /// The most uses a voucher may allow.
    public static let maximumUses: Int64 = 1_000_000

    /// Refuses terms that cannot be honoured: a value of nothing, a rate above 100 %, an
    /// end before the start, a date that is not one.
    public func validated() throws(RuleViolation) -> VoucherTerms {
        func bad(_ text: String) -> RuleViolation { RuleViolation(.invalidInput, text) }
        switch kind {
        case .value:
            guard let valueMinor, valueMinor > 0, valueMinor <= Limits.lineMinorUnits, rate == nil, sku == nil else {
                throw bad("A value voucher needs an \"amount\" of more than zero and nothing else.")
            }
        case .percent:
            guard let rate, rate.millionths > 0, rate.millionths <= Ratio.scale, valueMinor == nil, sku == nil else {
                throw bad("A percent voucher needs a \"percent\" rate above 0 and at most 1 (10 % off is \"0.10\").")
            }
        case .item:
            guard let sku, !sku.isEmpty, valueMinor == nil, rate == nil else {
                throw bad("An item voucher needs the \"sku\" of the free item and nothing else.")
            }
        }
        guard (1...Self.maximumUses).contains(uses) else {
            throw bad("\"uses\": \(uses) must be between 1 and \(Self.maximumUses).")
        }
        for date in [validFrom, validUntil].compactMap({ $0 }) {
            guard date.utf8.count == 10, (try? Timestamp.read(date + "T00:00:00Z")) != nil else {
                throw bad("\"\(date.prefix(20))\" is not a date: write it like 2026-12-31.")
            }
        }
        if let validFrom, let validUntil, validUntil < validFrom {
            throw bad("The voucher would end (\(validUntil)) before it starts (\(validFrom)).")
        }
        if let minimumMinor, !(0...Limits.receiptMinorUnits).contains(minimumMinor) {
            throw bad("\"minimumPurchase\" is out of range.")
        }
        return self
    }

    /// What one use takes off a purchase of `purchase` minor units on local date `today`, after
    /// `used` earlier uses; the sentence the cashier reads out when it may not be used.
    /// `code` and `currency` only word the sentences.
    public func redeem(
        code: String, purchase: Int64?, used: Int64, today: String, currency: Currency
    ) throws(RuleViolation) -> Int64 {
        let money = { (minor: Int64) in Money(minorUnits: minor, currency: currency).decimalString }
        guard used < uses else {
            throw RuleViolation(
                .voucherSpent,
                uses == 1
                    ? "Voucher \(code) has already been used."
                    : "Voucher \(code) has already been used \(uses) times, all it allows."
            )
        }
        if let validFrom, today < validFrom {
            throw RuleViolation(.voucherNotYetValid, "Voucher \(code) is valid from \(validFrom) only.")
        }
        if let validUntil, today > validUntil {
            throw RuleViolation(.voucherExpired, "Voucher \(code) expired on \(validUntil).")
        }
        if let minimumMinor, minimumMinor > 0 {
            guard let purchase, purchase >= minimumMinor else {
                throw RuleViolation(
                    .belowMinimumPurchase,
                    "Voucher \(code) is for purchases of \(money(minimumMinor)) \(currency.code) or more"
                        + (purchase.map { "; this one is \(money($0))." } ?? "; give the purchase total."))
            }
        }
        switch kind {
        case .item:
            return 0
        case .value:
            // No change is given: a voucher worth more than the purchase pays for all of it.
            return purchase.map { min(valueMinor ?? 0, max(0, $0)) } ?? (valueMinor ?? 0)
        case .percent:
            guard let purchase, purchase >= 0 else {
                throw RuleViolation(
                    .invalidInput,
                    "Voucher \(code) takes a percentage off: give the purchase total (\"purchaseTotal\").")
            }
            return Int64(Int128(purchase) * Int128(rate?.millionths ?? 0) / Int128(Ratio.scale))
        }
    }
}
