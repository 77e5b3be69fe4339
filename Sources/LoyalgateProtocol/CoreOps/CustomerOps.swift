import LoyaltyDomain

// Personal data: only the back office reads, changes, exports or erases it (docs/customers.md).
// A till only finds (`customer.find`, with the till ops). Handlers: LoyaltyCore/CustomerHandlers.swift.

extension CoreOp {
    public enum CustomerRegister: WireOperation {
        public static let name = "customer.register"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public var details: CustomerDetails
            /// Neither mail nor profiling when absent.
            public var consents: Consents?
            /// A card the customer holds, whose account the customer is attached to.
            public var card: String?
            public init(
                merchant: String? = nil, details: CustomerDetails, consents: Consents? = nil, card: String? = nil
            ) {
                self.merchant = merchant
                self.details = details
                self.consents = consents
                self.card = card
            }
        }
        public typealias Answer = CustomerRecord
    }

    /// Fields given replace the stored ones.
    public enum CustomerUpdate: WireOperation {
        public static let name = "customer.update"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public var customer: Int64
            public var details: CustomerPatch?
            public var consents: Consents?
            public init(
                merchant: String? = nil, customer: Int64, details: CustomerPatch? = nil, consents: Consents? = nil
            ) {
                self.merchant = merchant
                self.customer = customer
                self.details = details
                self.consents = consents
            }
        }
        public typealias Answer = CustomerRecord
    }

    public enum CustomerGet: WireOperation {
        public static let name = "customer.get"
        public static let role = Role.backOffice
        public typealias Parameters = CustomerParameters
        public typealias Answer = CustomerRecord
    }

    /// Everything held on one customer, as JSON (the right of access).
    public enum CustomerExport: WireOperation {
        public static let name = "customer.export"
        public static let role = Role.backOffice
        public typealias Parameters = CustomerParameters
        public typealias Answer = CustomerDataExport
    }

    /// Erases the personal data; balances, history and `verify` stay as they were.
    public enum CustomerErase: WireOperation {
        public static let name = "customer.erase"
        public static let role = Role.backOffice
        public typealias Parameters = CustomerParameters
        public typealias Answer = CustomerRecord
    }
}

extension CoreOp {
    /// A mail's unsubscribe link followed (the web's route): the customer's mail consent off,
    /// mails not yet sent cancelled. The token is signed by the core (docs/mail.md).
    public enum MailUnsubscribe: WireOperation {
        public static let name = "mail.unsubscribe"
        public static let role = Role.backOffice
        public typealias Parameters = MailUnsubscribeParameters
        public typealias Answer = MailUnsubscribeAnswer
    }
}

public struct MailUnsubscribeParameters: Codable, Sendable, Equatable {
    public var merchant: String?
    /// The `t` of the link.
    public var token: String
    public init(merchant: String? = nil, token: String) {
        self.merchant = merchant
        self.token = token
    }
}

/// No personal data: whoever holds the link learns only that it worked.
public struct MailUnsubscribeAnswer: Codable, Sendable, Equatable {
    public var customer: Int64
    public var mail: Bool
    public init(customer: Int64, mail: Bool) {
        self.customer = customer
        self.mail = mail
    }
}

public struct CustomerParameters: Codable, Sendable, Equatable {
    public var merchant: String?
    public var customer: Int64
    public init(merchant: String? = nil, customer: Int64) {
        self.merchant = merchant
        self.customer = customer
    }
}

public struct Consents: Sendable, Codable, Equatable {
    public var mail: Bool
    public var profiling: Bool

    public init(mail: Bool, profiling: Bool) {
        self.mail = mail
        self.profiling = profiling
    }

    public static let none = Consents(mail: false, profiling: false)
}

/// Everything held on a customer: for the back office only.
///
/// On the wire the customer's id is `customer`, as in the ops' parameters: an `id` key would
/// sit beside the answer's own request `id` in the same flat object and replace it.
public struct CustomerRecord: Sendable, Codable, Equatable {
    public var id: Int64
    /// Null once erased.
    public var details: CustomerDetails?
    public var displayName: String?
    public var consents: Consents
    public var cards: [CardView]
    public var accounts: [AccountView]
    public var createdAt: String
    public var updatedAt: String
    public var erasedAt: String?

    public init(
        id: Int64, details: CustomerDetails?, displayName: String?, consents: Consents, cards: [CardView],
        accounts: [AccountView],
        createdAt: String, updatedAt: String, erasedAt: String?
    ) {
        self.id = id
        self.details = details
        self.displayName = displayName
        self.consents = consents
        self.cards = cards
        self.accounts = accounts
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.erasedAt = erasedAt
    }

    private enum CodingKeys: String, CodingKey {
        case id = "customer"
        case details, displayName, consents, cards, accounts, createdAt, updatedAt, erasedAt
    }
}

/// What a till may see of a customer found by phone or email.
public struct CustomerMatch: Sendable, Codable, Equatable {
    public var id: Int64
    public var displayName: String
    public var cards: [CardView]
    public var accounts: [AccountView]
    public init(id: Int64, displayName: String, cards: [CardView], accounts: [AccountView]) {
        self.id = id
        self.displayName = displayName
        self.cards = cards
        self.accounts = accounts
    }
}

public struct CustomerMatches: Sendable, Codable, Equatable {
    public var customers: [CustomerMatch]
    public init(customers: [CustomerMatch]) {
        self.customers = customers
    }
}

public struct CustomerDataExport: Sendable, Codable, Equatable {
    public struct PatientLink: Sendable, Codable, Equatable {
        public var card: String
        public var patientRef: String
        public init(card: String, patientRef: String) {
            self.card = card
            self.patientRef = patientRef
        }
    }

    public var merchant: String
    public var exportedAt: String
    public var customer: CustomerRecord
    public var patientLinks: [PatientLink]
    public var ledger: [HistoryEntry]

    public init(
        merchant: String, exportedAt: String, customer: CustomerRecord, patientLinks: [PatientLink],
        ledger: [HistoryEntry]
    ) {
        self.merchant = merchant
        self.exportedAt = exportedAt
        self.customer = customer
        self.patientLinks = patientLinks
        self.ledger = ledger
    }
}
