import LoyaltyDomain

/// An error a till can act on: a stable kebab-case code from the protocol contract and one
/// sentence a cashier can read out.
public struct LoyaltyError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Codable, CaseIterable {
        // The contract's codes.
        case badRequest = "bad-request"
        case frameTooLarge = "frame-too-large"
        case invalidCardNumber = "invalid-card-number"
        case unknownCard = "unknown-card"
        case cardNotActive = "card-not-active"
        case cardBlocked = "card-blocked"
        case programClosed = "program-closed"
        case insufficientBalance = "insufficient-balance"
        case belowThreshold = "below-threshold"
        case cashOutNotAllowed = "cash-out-not-allowed"
        case unknownReceipt = "unknown-receipt"
        case coreUnavailable = "core-unavailable"
        // loyalgate's additions, documented in docs/protocol.md.
        case unknownOp = "unknown-op"
        case unknownMerchant = "unknown-merchant"
        case unknownReward = "unknown-reward"
        case receiptReused = "receipt-reused"
        case returnExceedsOriginal = "return-exceeds-original"
        case forbidden = "forbidden"
        case tooManyConnections = "too-many-connections"
        case diskFull = "disk-full"
        case outOfRange = "out-of-range"
        case aboveMaximumBalance = "above-maximum-balance"
        case reversalNotAllowed = "reversal-not-allowed"
        case internalError = "internal-error"
        // Vouchers (issue 12).
        case unknownVoucher = "unknown-voucher"
        case voucherSpent = "voucher-spent"
        case voucherExpired = "voucher-expired"
        case voucherNotYetValid = "voucher-not-yet-valid"
        case belowMinimumPurchase = "below-minimum-purchase"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// A broken program rule, with the code the contract gives it.
    public init(_ violation: RuleViolation) {
        let code: Code =
            switch violation.rule {
            case .invalidInput: .badRequest
            case .invalidCardNumber: .invalidCardNumber
            case .unknownCard: .unknownCard
            case .cardNotActive: .cardNotActive
            case .cardBlocked: .cardBlocked
            case .programClosed: .programClosed
            case .insufficientBalance: .insufficientBalance
            case .belowThreshold: .belowThreshold
            case .cashOutNotAllowed: .cashOutNotAllowed
            case .unknownReward: .unknownReward
            case .returnExceedsOriginal: .returnExceedsOriginal
            case .outOfRange: .outOfRange
            case .aboveMaximumBalance: .aboveMaximumBalance
            case .reversalNotAllowed: .reversalNotAllowed
            case .unknownVoucher: .unknownVoucher
            case .voucherSpent: .voucherSpent
            case .voucherExpired: .voucherExpired
            case .voucherNotYetValid: .voucherNotYetValid
            case .belowMinimumPurchase: .belowMinimumPurchase
            }
        self.init(code, violation.message)
    }
}
