/// The shop's staff roles. What each may do is decided here, once, and checked by the server on
/// every page and every post: a button a role does not see is also refused when posted.
public enum StaffRole: String, Sendable, Codable, CaseIterable, Comparable {
    case cashier
    case manager
    case owner

    public enum Action: Sendable, CaseIterable {
        /// Find customers and cards, read a card's history, register a customer.
        case look, register
        /// Change a customer's details and consents, activate, block and replace cards.
        case edit, cardLife
        /// The right to erasure and the right of access: irreversible or a copy of personal data.
        case erase, exportCustomer
        /// The merchant's CSV files: every card, customer (decrypted) and ledger entry.
        case exports
        /// The audit log, and a new program (what the shop promises its customers).
        case audit, program
        /// Card batches and reprints: new numbers, and plastic that costs money.
        case batches
        /// Campaigns (a new program version each) and prize draws.
        case campaigns
        /// Statistics: figures of the whole shop (groups of fewer than five are never shown).
        case statistics
        /// Segments (lists of named customers with their addresses) and mailings to them.
        case segments
    }

    public func may(_ action: Action) -> Bool {
        switch action {
        case .look, .register, .edit, .cardLife: true
        case .erase, .exportCustomer, .exports, .batches, .campaigns, .statistics, .segments: self >= .manager
        case .audit, .program: self == .owner
        }
    }

    private var rank: Int {
        switch self {
        case .cashier: 0
        case .manager: 1
        case .owner: 2
        }
    }

    public static func < (lhs: StaffRole, rhs: StaffRole) -> Bool { lhs.rank < rhs.rank }
}
