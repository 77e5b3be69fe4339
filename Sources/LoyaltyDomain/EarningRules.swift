import Foundation

/// A program checked against its merchant's currency and ready to compute with.
///
/// Rounding: points and discounts are computed per receipt, not per line, and rounded down;
/// a receipt of 3 x 0.40 lv earns for 1.20 lv, not 3 x nothing.
public struct EarningRules: Sendable {
    public let program: Program
    public let currency: Currency
    public let timeZone: TimeZone
    let pointsPerMinor: Int64?
    let pointsPerUnit: Int64
    let redeemFrom: Money?
    let replacementFees: [String: Money]
    /// The most a prepaid balance may hold; nil when the program sells no prepaid.
    public let prepaidMaximum: Money?
    /// The stamp card's `minimumAmount`, when it has one.
    let stampMinimum: Money?

    /// Checks every field's range and refuses a program whose earnings could overflow.
    /// `stored`: a version already in the ledger, loaded to compute with. The safety checks
    /// apply to it as to a new file (a bad stored version is refused, not used), but not the
    /// check of intent (a rate above 100 % without `allowRateAbove100Percent`): a version
    /// imported before that check existed keeps working.
    public init(program: Program, currency: Currency, timeZone: TimeZone, stored: Bool = false) throws(ProgramError) {
        self.program = program
        self.currency = currency
        self.timeZone = timeZone
        // Every amount of the program is checked against the same bound as a balance: a fee,
        // threshold or price no account can ever hold is a typing error.
        func amount(_ field: String, _ text: String) throws(ProgramError) -> Money {
            guard let money = try? Money(parsing: text, currency: currency), money.minorUnits >= 0,
                money.minorUnits <= Limits.balance
            else {
                throw ProgramError(
                    "\(field): \"\(text)\" must be an amount of at least 0 in \(currency.code), like \"5.00\".")
            }
            return money
        }
        if let rule = program.points {
            guard let per = try? Money(parsing: rule.per, currency: currency), per.minorUnits > 0 else {
                throw ProgramError(
                    "points.per: \"\(rule.per)\" must be a positive amount in \(currency.code), like \"1.00\".")
            }
            pointsPerMinor = per.minorUnits
            pointsPerUnit = rule.points ?? 1
            guard pointsPerUnit > 0, pointsPerUnit <= 1_000_000 else {
                throw ProgramError("points.points: \(pointsPerUnit) must be between 1 and 1000000.")
            }
            if let minimum = rule.minimumRedeem, !(1...Limits.balance).contains(minimum) {
                throw ProgramError(
                    "points.minimumRedeem: \(minimum) must be between 1 and \(Limits.grouped(Limits.balance)) points.")
            }
        } else {
            pointsPerMinor = nil
            pointsPerUnit = 0
        }
        if let discount = program.discount {
            // A rate above 1 gives back more than was spent: almost always "5" written for 5 %.
            if discount.allowRateAbove100Percent != true, !stored {
                for (name, rate) in [("defaultRate", discount.defaultRate)]
                    + discount.rates.sorted(by: { $0.key < $1.key }).map({ ("rates.\($0.key)", $0.value) })
                where rate.millionths > Ratio.scale {
                    throw ProgramError(
                        "discount.\(name): \"\(rate)\" is more than 100 % of the spend (write 5 % as \"0.05\"); set \"allowRateAbove100Percent\": true in \"discount\" if it is meant."
                    )
                }
            }
            redeemFrom = try discount.redeemFrom.map { text throws(ProgramError) in
                try amount("discount.redeemFrom", text)
            }
        } else {
            redeemFrom = nil
        }
        var fees: [String: Money] = [:]
        for (reason, text) in program.cards?.replacementFees ?? [:] {
            guard Program.CardRules.replacementReasons.contains(reason) else {
                throw ProgramError(
                    "cards.replacementFees: \"\(reason)\" is not a reason; use \(Program.CardRules.replacementReasons.joined(separator: ", "))."
                )
            }
            fees[reason] = try amount("cards.replacementFees.\(reason)", text)
        }
        replacementFees = fees
        if let hours = program.cards?.activationDelayHours, !(0...24 * 30).contains(hours) {
            throw ProgramError("cards.activationDelayHours: \(hours) must be between 0 and 720.")
        }
        var skus: Set<String> = []
        for reward in program.rewards ?? [] {
            guard !reward.sku.isEmpty, reward.sku.unicodeScalars.count <= 64, !reward.name.isEmpty,
                reward.name.unicodeScalars.count <= 200
            else {
                throw ProgramError("rewards: every reward needs a sku of 1 to 64 and a name of 1 to 200 characters.")
            }
            guard (1...Limits.balance).contains(reward.points) else {
                throw ProgramError(
                    "rewards.\(reward.sku).points: \(reward.points) must be between 1 and \(Limits.grouped(Limits.balance))."
                )
            }
            guard skus.insert(reward.sku).inserted else {
                throw ProgramError("rewards: \(reward.sku) is listed twice.")
            }
        }
        if let prepaid = program.prepaid {
            let maximum = try prepaid.maximumBalance.map { text throws(ProgramError) in
                try amount("prepaid.maximumBalance", text)
            }
            if let maximum, maximum.minorUnits == 0 {
                throw ProgramError(
                    "prepaid.maximumBalance: \"\(maximum.decimalString)\" must be more than zero; leave \"prepaid\" out to sell no prepaid."
                )
            }
            prepaidMaximum = maximum ?? Money(minorUnits: Limits.balance, currency: currency)
        } else {
            prepaidMaximum = nil
        }
        stampMinimum = try Self.checkStamps(program.stamps, currency: currency)
        try Self.checkCardholderPrices(program.cardholderPrices)
        try program.closed?.validate()
        try Self.checkCampaigns(program.campaigns)
        if program.points == nil, !(program.campaigns ?? []).isEmpty {
            throw ProgramError("campaigns: a campaign gives points, and this program has no \"points\" rule.")
        }
        try checkBounds()
    }

    /// Largest single line amount accepted (`Limits.lineMinorUnits`).
    public static let maximumLineMinorUnits: Int64 = Limits.lineMinorUnits

    /// Refuses a program whose largest possible receipt (`Limits.receiptMinorUnits`, at the
    /// highest multiplier and rate) would earn more than a balance may hold, and multipliers
    /// that combine to less than nothing: then no request within the limits can make an earn
    /// overflow or take points away.
    private func checkBounds() throws(ProgramError) {
        let (lowest, highest) = multiplierRange()
        guard lowest >= 0 else {
            throw ProgramError(
                "multipliers: with \"combine\": \"add\" these multipliers together come to less than x0; use \"multiply\" or \"highest\", or multipliers of at least 1."
            )
        }
        let receipt = Int128(Limits.receiptMinorUnits)
        if let perMinor = pointsPerMinor {
            // A campaign's multiplier comes on top of the program's, and every campaign's bonus
            // may fall on one receipt.
            let weighted = highest * highestCampaignMultiplier / Int128(Ratio.scale)
            let most =
                receipt * weighted / (Int128(perMinor) * Int128(Ratio.scale)) * Int128(pointsPerUnit)
                + mostCampaignBonus
            guard most <= Int128(Limits.balance) else {
                throw ProgramError(
                    "points: a receipt within the request limits (\(Limits.receiptLines) lines of at most \(Money(minorUnits: Limits.lineMinorUnits, currency: currency).decimalString) \(currency.code)) would earn up to \(most) points, more than an account can hold (\(Limits.grouped(Limits.balance))): make \"per\" larger, \"points\" or the multipliers (campaigns' included) smaller."
                )
            }
        }
        if let discount = program.discount {
            let rate = ([discount.defaultRate] + Array(discount.rates.values)).map(\.millionths).max() ?? 0
            let most = receipt * Int128(rate) / Int128(Ratio.scale)
            guard most <= Int128(Limits.balance) else {
                throw ProgramError(
                    "discount: a receipt within the request limits would earn up to \(most) minor units of discount, more than an account can hold (\(Limits.grouped(Limits.balance))): lower the rates."
                )
            }
        }
    }

    /// The lowest and highest multiplier (millionths) any line can get: each brand or none,
    /// member or not.
    func multiplierRange() -> (lowest: Int128, highest: Int128) {
        let brands: [String?] = [nil] + (program.multipliers?.brands?.keys.sorted() ?? []).map { Optional($0) }
        var lowest = Int128(Ratio.scale)
        var highest = Int128(Ratio.scale)
        for brand in brands {
            for member in [false, true] {
                let value = multiplier(brand: brand, member: member)
                lowest = min(lowest, value)
                highest = max(highest, value)
            }
        }
        return (lowest, highest)
    }

    /// What `lines` earn for a member or not; `at`, the sale's time, decides which campaigns
    /// apply (none when nil). A return passes its original sale's time, so it is judged by the
    /// campaigns that sale earned under.
    public func earning(for lines: [SaleLine], member: Bool, at saleTime: Date? = nil) -> Earning {
        // Minor units times millionths: Int128 so no receipt size or multiplier can overflow.
        var weightedMinor: Int128 = 0
        var discountMicro: Int128 = 0
        let excluded = Set(program.points?.excludeCategories ?? [])
        let running = campaigns(at: saleTime)
        var bonusFrom: Set<String> = []
        let scale = Int128(Ratio.scale)
        for line in lines {
            let amount = max(0, line.amount.minorUnits)
            if !excluded.contains(line.category ?? "") {
                // Never below x0: a multiplier cannot turn an earn into taking points away.
                var weight = max(0, multiplier(brand: line.brand, member: member))
                let matching = running.filter { $0.matches(line, member: member) }
                if let campaign = matching.compactMap({ $0.multiplier?.millionths }).max() {
                    weight = weight * Int128(campaign) / scale
                }
                if amount > 0 {
                    for campaign in matching where campaign.bonusPoints != nil { bonusFrom.insert(campaign.id) }
                }
                weightedMinor += Int128(amount) * weight
            }
            if let discount = program.discount {
                let rate = line.category.flatMap { discount.rates[$0] } ?? discount.defaultRate
                discountMicro += Int128(amount) * Int128(rate.millionths)
            }
        }
        var points: Int128 = 0
        if let perMinor = pointsPerMinor {
            points = weightedMinor / (Int128(perMinor) * Int128(Ratio.scale)) * Int128(pointsPerUnit)
            points += running.filter { bonusFrom.contains($0.id) }.reduce(Int128(0)) {
                $0 + Int128($1.bonusPoints ?? 0)
            }
        }
        // The program check keeps a receipt within the limits below a balance's maximum; the
        // clamp only guards against a caller that skipped the request limits.
        return Earning(
            points: Self.bounded(points),
            discount: Money(minorUnits: Self.bounded(discountMicro / Int128(Ratio.scale)), currency: currency))
    }

    private static func bounded(_ value: Int128) -> Int64 { Int64(max(0, min(value, Int128(Limits.balance)))) }

    /// The multiplier (millionths) of a line of `brand`, for a member or not.
    func multiplier(brand: String?, member: Bool) -> Int128 {
        guard let rules = program.multipliers else { return Int128(Ratio.scale) }
        var applying: [Int128] = []
        if let brand, let ratio = rules.brands?[brand] { applying.append(Int128(ratio.millionths)) }
        if member, let ratio = rules.member { applying.append(Int128(ratio.millionths)) }
        let scale = Int128(Ratio.scale)
        switch rules.combine {
        case .multiply:
            return applying.reduce(scale) { $0 * $1 / scale }
        case .add:
            return applying.reduce(scale) { $0 + $1 - scale }
        case .highest:
            return applying.max() ?? scale
        }
    }

    /// Why the card is not valid at `instant` (closed hours), or nil.
    public func closedReason(at instant: Date) -> String? {
        program.closed?.closedReason(at: instant, timeZone: timeZone)
    }

    /// The least discount balance from which it may be spent.
    public var discountRedeemThreshold: Money { redeemFrom ?? .zero(currency) }

    public var discountCashOutAllowed: Bool { program.discount?.cashOut ?? false }

    public var minimumPointsRedeem: Int64 { program.points?.minimumRedeem ?? 1 }

    /// What replacing a card for `reason` costs; free unless the program says otherwise.
    public func replacementFee(reason: String) -> Money {
        replacementFees[reason] ?? .zero(currency)
    }

    public var activationDelay: TimeInterval {
        TimeInterval((program.cards?.activationDelayHours ?? 0) * 3600)
    }

    public func reward(sku: String) -> Program.Reward? {
        program.rewards?.first { $0.sku == sku }
    }
}
