import LoyaltyDomain

// The cardholder's personal details (issue 17, docs/cardholder.md): reached only through a
// one-time link mailed to the address on file, never through the card's token alone. The web
// calls these for the browser; the core keeps only hashes of the link and of the session it opens.

extension CoreOp {
    /// "Mail me a link to my details", from the card's page: records a `holder-link` mail to the
    /// address on file. The answer is the same whether or not there is a customer, an address,
    /// or a link already asked for this hour, so it tells the holder of a card nothing.
    public enum CardholderLink: WireOperation {
        public static let name = "cardholder.link"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            /// The card page's token (cardholder.token).
            public var token: String
            /// The page's language (`en`, `nl`, `de`), for the mail.
            public var language: String?
            public init(token: String, language: String? = nil) {
                self.token = token
                self.language = language
            }
        }
        public typealias Answer = CardholderLinkAnswer
    }

    /// The mailed link followed (a button press, never the GET a link scanner makes): the link
    /// is used up and a session of 30 minutes opens the details.
    public enum CardholderOpen: WireOperation {
        public static let name = "cardholder.open"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var link: String
            public init(link: String) { self.link = link }
        }
        public typealias Answer = CardholderSessionAnswer
    }

    /// The details the session opens; with `consentMail`, mail consent changed first.
    public enum CardholderDetails: WireOperation {
        public static let name = "cardholder.details"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var session: String
            public var consentMail: Bool?
            public init(session: String, consentMail: Bool? = nil) {
                self.session = session
                self.consentMail = consentMail
            }
        }
        public typealias Answer = CardholderDetailsAnswer
    }

    /// Everything held on the customer (as `customer.export`), for the customer's own download.
    public enum CardholderExport: WireOperation {
        public static let name = "cardholder.export"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var session: String
            public init(session: String) { self.session = session }
        }
        public typealias Answer = CustomerDataExport
    }
}

public struct CardholderLinkAnswer: Sendable, Codable, Equatable {
    /// Always the same sentence.
    public var note: String
    public init(note: String) { self.note = note }
}

public struct CardholderSessionAnswer: Sendable, Codable, Equatable {
    public var session: String
    public var expires: String
    public init(session: String, expires: String) {
        self.session = session
        self.expires = expires
    }
}

public struct CardholderDetailsAnswer: Sendable, Codable, Equatable {
    public var merchant: String
    public var shop: String
    public var name: String
    public var address: String?
    public var postcode: String?
    public var email: String?
    public var consentMail: Bool
    /// When the session ends.
    public var expires: String
    public init(
        merchant: String, shop: String, name: String, address: String?, postcode: String?, email: String?,
        consentMail: Bool, expires: String
    ) {
        self.merchant = merchant
        self.shop = shop
        self.name = name
        self.address = address
        self.postcode = postcode
        self.email = email
        self.consentMail = consentMail
        self.expires = expires
    }
}
