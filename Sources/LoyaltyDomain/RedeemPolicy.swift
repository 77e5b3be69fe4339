/// What a till asks to spend, before the program's rules are applied.
public enum RedeemAsk: Sendable, Equatable {
    /// A reward from the catalog, paid with its points price.
    case reward(sku: String)
    case points(Int64)
    /// Discount balance, as a decimal string in the merchant's currency. Without cash-out, the
    /// discount pays only toward a purchase, so the till sends the purchase total with it.
    case discount(amount: String, purchaseTotal: String?, cash: Bool)
}

/// What a redeem takes from an account once every rule has been checked.
public struct Spend: Sendable, Equatable {
    public var points: Int64
    public var discount: Money
    public var reward: Program.Reward?
}

extension EarningRules {
    /// The spend/redeem policy: catalog, minimum redeem, threshold, cash-out and balance checks,
    /// in that order, against the account's balances at the moment of the redeem.
    public func spend(_ ask: RedeemAsk, points available: Int64, discount balance: Money) throws(RuleViolation) -> Spend
    {
        switch ask {
        case .reward(let sku):
            guard let reward = reward(sku: sku) else {
                throw RuleViolation(.unknownReward, "\(sku) is not in the reward catalog.")
            }
            guard reward.points > 0, available >= reward.points else {
                throw RuleViolation(
                    .insufficientBalance, "\(reward.name) costs \(reward.points) points; the card has \(available).")
            }
            return Spend(points: reward.points, discount: .zero(currency), reward: reward)
        case .points(let points):
            guard program.points != nil else {
                throw RuleViolation(
                    .invalidInput, "This program has no points to redeem; redeem an \"amount\" of discount.")
            }
            // Checked before the program's minimum: a redeem of zero or fewer points would add
            // points whatever minimum a program (even a bad one) sets.
            guard points > 0 else {
                throw RuleViolation(.invalidInput, "The points to redeem must be more than zero.")
            }
            guard points >= minimumPointsRedeem else {
                throw RuleViolation(.belowThreshold, "At least \(minimumPointsRedeem) points must be redeemed at once.")
            }
            guard available >= points else {
                throw RuleViolation(
                    .insufficientBalance, "The card has \(available) points, fewer than the \(points) asked for.")
            }
            return Spend(points: points, discount: .zero(currency), reward: nil)
        case .discount(let amountText, let purchaseTotal, let cash):
            guard program.discount != nil else {
                throw RuleViolation(
                    .invalidInput, "This program has no discount balance; redeem \"points\" or a \"reward\".")
            }
            let amount: Money
            do { amount = try Money(parsing: amountText, currency: currency) } catch {
                throw RuleViolation(.invalidInput, error.description)
            }
            guard amount.minorUnits > 0 else {
                throw RuleViolation(.invalidInput, "The amount to redeem must be more than zero.")
            }
            if !discountCashOutAllowed {
                if cash {
                    throw RuleViolation(
                        .cashOutNotAllowed, "The discount cannot be paid out in cash; it can only pay for a purchase.")
                }
                guard let purchaseTotal, let total = try? Money(parsing: purchaseTotal, currency: currency) else {
                    throw RuleViolation(
                        .cashOutNotAllowed,
                        "The discount can only pay for a purchase: send the purchase total as \"purchaseTotal\".")
                }
                guard amount <= total else {
                    throw RuleViolation(
                        .cashOutNotAllowed,
                        "The discount can pay at most the purchase total of \(total.decimalString); the rest is never paid out in cash."
                    )
                }
            }
            guard balance >= discountRedeemThreshold else {
                throw RuleViolation(
                    .belowThreshold,
                    "The discount of \(balance.decimalString) can be used from \(discountRedeemThreshold.decimalString) on."
                )
            }
            guard amount <= balance else {
                throw RuleViolation(
                    .insufficientBalance,
                    "The card has \(balance.decimalString) of discount, less than the \(amount.decimalString) asked for."
                )
            }
            return Spend(points: 0, discount: amount, reward: nil)
        }
    }

    /// Enrolment: a card of the merchant's range that it has not seen yet becomes a new
    /// anonymous account on its first earn, when the program allows it (cards of a shared
    /// design handed out by any shop of a group).
    public func mayEnrol(_ number: CardNumber, cardPrefix: String?) -> Bool {
        guard program.autoEnrol == true, let cardPrefix else { return false }
        return number.digits.hasPrefix(cardPrefix)
    }
}
