import LoyalgateProtocol

/// What the shop's relay does with each request: the decisions alone, without sockets or files,
/// so that they are tested directly (docs/chain.md, "Offline shops").
public enum RelayRules {
    /// The relay's own op: its queue, answered locally, online or not.
    public static let statusOp = "relay.status"

    /// What to do with a request before the central core is tried.
    public enum Route: Equatable, Sendable {
        /// The relay's own status.
        case status
        /// Refused here: the relay carries till ops only (its certificate is a till's).
        case refuse(LoyaltyError)
        /// An earn: behind the queue when it is not empty (earns reach the core in the order
        /// they were sold), else forwarded, and queued if the core cannot be reached.
        case earn
        /// Any other till op: forwarded as it is; refused with `core-unavailable` offline.
        case forward
    }

    /// Back-office ops are refused locally: everyone who reaches the relay's socket acts with the
    /// relay's certificate, which is a till's, so the core would refuse them anyway, and a shop's
    /// back office that needs them talks to the head office with its own certificate.
    public static func route(op: String) -> Route {
        if op == statusOp { return .status }
        if op == CoreOp.TxnEarn.name { return .earn }
        if let known = CoreOp.all.first(where: { $0.name == op }), known.role != .till {
            return .refuse(
                LoyaltyError(
                    .forbidden,
                    "\(op) is a back-office op: the shop's relay carries till ops only; call the head office's core with a back-office certificate."
                ))
        }
        return .forward
    }

    /// Whether an earn waits behind the queue: while earlier earns are still queued, a new one
    /// joins them, so the ledger receives a shop's earns in the order the tills sent them.
    public static func earnJoinsQueue(depth: Int) -> Bool { depth > 0 }

    /// The refusal a till gets when the central core cannot be reached for anything but an earn:
    /// a sentence the cashier can read out. Redeems, returns and prepaid money are refused, not
    /// allowed within a cached limit: the relay does not know the balance, and a card spent at
    /// two offline shops would be spent twice.
    public static func offlineRefusal(op: String) -> LoyaltyError {
        let sentence: String
        switch op {
        case CoreOp.TxnRedeem.name, CoreOp.StampsRedeem.name, CoreOp.VoucherRedeem.name:
            sentence =
                "The head office cannot be reached, so points, stamps and vouchers cannot be redeemed now; finish the sale without redeeming: its points are still collected."
        case CoreOp.TxnReturn.name:
            sentence =
                "The head office cannot be reached, so the return cannot be recorded now; keep the receipt and record the return once the link is back."
        case CoreOp.PrepaidPay.name:
            sentence =
                "The head office cannot be reached, so the prepaid card cannot pay now; please take another means of payment."
        case CoreOp.PrepaidLoad.name, CoreOp.PrepaidReverse.name:
            sentence =
                "The head office cannot be reached, so prepaid money cannot be loaded or reversed now; try again once the link is back."
        case CoreOp.CardLookup.name:
            sentence =
                "The head office cannot be reached, so the card's balance cannot be shown now; earns are still collected and delivered later."
        default:
            sentence =
                "The head office cannot be reached, so \(op) cannot be answered now; try again once the link is back."
        }
        return LoyaltyError(.coreUnavailable, sentence)
    }

    /// Whether a refusal the core sent for a queued earn may change by sending it again later:
    /// only refusals that say nothing was recorded for a passing reason. Every other refusal
    /// (`receipt-reused`, `unknown-card`, ...) would come back the same forever: the earn goes
    /// to the dead letters.
    public static func isPassing(_ code: LoyaltyError.Code) -> Bool {
        code == .coreUnavailable || code == .diskFull || code == .tooManyConnections
    }
}

/// The answer a till gets for an earn the relay queued (docs/protocol.md, "The shop's relay"):
/// `ok` true with `queued: true` and no balances, which only the central core knows.
public struct QueuedEarnAnswer: Codable, Sendable, Equatable {
    public var kind: String
    public var queued: Bool
    public var merchant: String?
    public var card: String
    public var till: String
    public var receipt: String
    /// The time of the sale, as the till sent it or as the relay received it; the earn reaches
    /// the ledger with this time, so it earns as it would have at the sale.
    public var at: String
    /// True for a repeat of a request that is already queued (as the core's `replayed`).
    public var replayed: Bool

    public init(
        merchant: String?, card: String, till: String, receipt: String, at: String, replayed: Bool
    ) {
        self.kind = "earn"
        self.queued = true
        self.merchant = merchant
        self.card = card
        self.till = till
        self.receipt = receipt
        self.at = at
        self.replayed = replayed
    }
}

/// `relay.status`: what the relay holds and whether the central core answered last time.
public struct RelayStatusAnswer: Codable, Sendable, Equatable {
    /// Earns waiting for the central core.
    public var queued: Int
    /// Queued earns the core refused (kept aside, never sent again).
    public var deadLetters: Int
    /// Queued earns the core has accepted since the queue was created.
    public var delivered: Int
    /// The central core, as given to `--core`.
    public var core: String
    /// Whether the last exchange with the central core succeeded.
    public var coreReachable: Bool

    public init(queued: Int, deadLetters: Int, delivered: Int, core: String, coreReachable: Bool) {
        self.queued = queued
        self.deadLetters = deadLetters
        self.delivered = delivered
        self.core = core
        self.coreReachable = coreReachable
    }
}
