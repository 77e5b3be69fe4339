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

    public init(program: Program, currency: Currency, timeZone: TimeZone) throws(ProgramError) {
        self.program = program
        self.currency = currency
        self.timeZone = timeZone
        if let rule = program.points {
            guard let per = try? Money(parsing: rule.per, currency: currency), per.minorUnits > 0 else {
                throw ProgramError(
                    "points.per: \"\(rule.per)\" must be a positive amount in \(currency.code), like \"1.00\".")
            }
            pointsPerMinor = per.minorUnits
            pointsPerUnit = rule.points ?? 1
            guard pointsPerUnit > 0, pointsPerUnit <= 1_000_000 else {
                throw ProgramError("points.points must be between 1 and 1000000.")
            }
        } else {
            pointsPerMinor = nil
            pointsPerUnit = 0
        }
        if let text = program.discount?.redeemFrom {
            guard let amount = try? Money(parsing: text, currency: currency), amount.minorUnits >= 0 else {
                throw ProgramError("discount.redeemFrom: \"\(text)\" is not an amount in \(currency.code).")
            }
            redeemFrom = amount
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
            guard let fee = try? Money(parsing: text, currency: currency), fee.minorUnits >= 0 else {
                throw ProgramError("cards.replacementFees.\(reason): \"\(text)\" is not an amount in \(currency.code).")
            }
            fees[reason] = fee
        }
        replacementFees = fees
        guard (0...24 * 30).contains(program.cards?.activationDelayHours ?? 0) else {
            throw ProgramError("cards.activationDelayHours must be between 0 and 720.")
        }
        for reward in program.rewards ?? [] where reward.points <= 0 {
            throw ProgramError("rewards: \(reward.sku) must cost at least 1 point.")
        }
        try program.closed?.validate()
    }

    /// Largest single line amount accepted: ten million in major units keeps every product
    /// with a multiplier in millionths far inside Int64.
    public static let maximumLineMinorUnits: Int64 = 1_000_000_000

    public func earning(for lines: [SaleLine], member: Bool) -> Earning {
        // Minor units times millionths: Int128 so no receipt size or multiplier can overflow.
        var weightedMinor: Int128 = 0
        var discountMicro: Int128 = 0
        let excluded = Set(program.points?.excludeCategories ?? [])
        for line in lines {
            let amount = max(0, line.amount.minorUnits)
            if !excluded.contains(line.category ?? "") {
                weightedMinor += Int128(amount) * Int128(multiplier(for: line, member: member).millionths)
            }
            if let discount = program.discount {
                let rate = line.category.flatMap { discount.rates[$0] } ?? discount.defaultRate
                discountMicro += Int128(amount) * Int128(rate.millionths)
            }
        }
        var points: Int64 = 0
        if let perMinor = pointsPerMinor {
            points = Int64(clamping: weightedMinor / Int128(perMinor * Ratio.scale) * Int128(pointsPerUnit))
        }
        return Earning(
            points: points,
            discount: Money(minorUnits: Int64(clamping: discountMicro / Int128(Ratio.scale)), currency: currency))
    }

    func multiplier(for line: SaleLine, member: Bool) -> Ratio {
        guard let rules = program.multipliers else { return .one }
        var applying: [Ratio] = []
        if let brand = line.brand, let ratio = rules.brands?[brand] { applying.append(ratio) }
        if member, let ratio = rules.member { applying.append(ratio) }
        switch rules.combine {
        case .multiply:
            return Ratio(
                millionths: applying.reduce(Ratio.scale) {
                    Int64(clamping: Int128($0) * Int128($1.millionths) / Int128(Ratio.scale))
                })
        case .add:
            return Ratio(millionths: applying.reduce(Ratio.scale) { $0 + $1.millionths - Ratio.scale })
        case .highest:
            return applying.max { $0.millionths < $1.millionths } ?? .one
        }
    }

    /// Why the program earns nothing at `instant`, or nil.
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
