import Foundation

/// Where a card is in its life: issued (printed, not handed out) → active → blocked (lost or
/// stolen) → replaced (its number retired for good, its account moved to a new card).
///
/// The transitions and what each state allows live here, so every store and every op applies
/// the same rules.
public enum CardStatus: String, Sendable, Codable, CaseIterable {
    case issued
    case active
    case blocked
    case replaced

    /// What a till is shown at `instant`: an activated card still in its activation delay is
    /// `issued` until `activeFrom`.
    public func shown(at instant: Date, activeFrom: Date?) -> CardStatus {
        if self == .active, let activeFrom, activeFrom > instant { return .issued }
        return self
    }

    /// Refuses a card that may not take part in a till transaction (earn, redeem) at `instant`.
    public func requireUsable(card number: String, activeFrom: Date?, at instant: Date) throws(RuleViolation) {
        switch shown(at: instant, activeFrom: activeFrom) {
        case .active: return
        case .issued:
            if let activeFrom {
                throw RuleViolation(
                    .cardNotActive,
                    "Card \(number) becomes active at \(Timestamp.format(activeFrom)); it earns from then on.")
            }
            throw RuleViolation(.cardNotActive, "Card \(number) is not active yet: it has not been handed out.")
        case .replaced:
            throw RuleViolation(.cardBlocked, "Card \(number) was replaced by a new card: ask for the new one.")
        case .blocked:
            throw RuleViolation(.cardBlocked, "Card \(number) is blocked: it was reported lost or stolen.")
        }
    }

    /// Handing a card out: an issued card becomes active; an active one keeps its activation.
    public func requireActivatable(card number: String) throws(RuleViolation) {
        guard self == .issued || self == .active else {
            throw RuleViolation(.cardBlocked, "Card \(number) is \(rawValue) and cannot be activated again.")
        }
    }

    /// Blocking or replacing: anything but a card already replaced.
    public func requireNotReplaced(card number: String) throws(RuleViolation) {
        guard self != .replaced else {
            throw RuleViolation(.cardBlocked, "Card \(number) was already replaced.")
        }
    }

    /// A card joins a household (its account pooled with another) only while it is in use.
    public func requireMayJoinHousehold(card number: String) throws(RuleViolation) {
        guard self == .issued || self == .active else {
            throw RuleViolation(.cardBlocked, "Card \(number) is \(rawValue); it cannot join a household.")
        }
    }

    /// A blank card given as the replacement of another must never have been handed out.
    public var isBlank: Bool { self == .issued }
}
