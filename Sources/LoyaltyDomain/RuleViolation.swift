/// A rule of the loyalty program that a request would break, in one sentence a cashier can read
/// out. The domain names the rule; the wire contract (LoyalgateProtocol's `LoyaltyError`) turns
/// each rule into its stable error code, so the rules never depend on the wire.
public struct RuleViolation: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Rule: Sendable, Equatable, CaseIterable {
        /// A value out of range or badly formed (a name too long, an email that is not one).
        case invalidInput
        /// Not 13 digits, or a wrong GS1 check digit.
        case invalidCardNumber
        /// A card number the merchant does not know and may not enrol.
        case unknownCard
        /// Issued but not yet handed out, or still in its activation delay.
        case cardNotActive
        /// Blocked (lost, stolen) or replaced.
        case cardBlocked
        /// Closed hours: the card is not valid now (no earning, redeeming or prepaid payment).
        case programClosed
        case insufficientBalance
        case belowThreshold
        case cashOutNotAllowed
        case unknownReward
        case returnExceedsOriginal
        /// A balance would go past the most an account may hold (`Limits.balance`).
        case outOfRange
        /// A prepaid load would take the balance past the program's `prepaid.maximumBalance`.
        case aboveMaximumBalance
        /// A prepaid reversal by another till, on a later day, or of what was already reversed.
        case reversalNotAllowed
        /// Not a voucher code, or none of this merchant's.
        case unknownVoucher
        /// A voucher used as many times as it allows.
        case voucherSpent
        case voucherExpired
        case voucherNotYetValid
        /// A purchase below a voucher's minimum.
        case belowMinimumPurchase
    }

    public let rule: Rule
    public let message: String

    public init(_ rule: Rule, _ message: String) {
        self.rule = rule
        self.message = message
    }

    public var description: String { "\(rule): \(message)" }
}
