/// Pairing browser pages with the gateway's browser bridge (docs/browser-bridge.md). Asked on
/// the till socket by a local till user or a technician (`loyalgate gateway pair`); a page never
/// reaches these ops.
extension GatewayOp {
    /// A one-time pairing code for a page: typed into the page, exchanged there for a token.
    /// The page will act for the merchant the caller acts for (no other).
    public enum BridgePair: WireOperation {
        public static let name = "bridge.pair"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable {
            /// What the page is, for the list ("Till 2 tablet").
            public var name: String?
            /// Also print the code on this receipt printer.
            public var printer: String?
            public init(name: String? = nil, printer: String? = nil) {
                self.name = name
                self.printer = printer
            }
        }
        public struct Answer: Codable, Sendable, Equatable {
            /// Eight digits, valid once, until `expiresAt`.
            public var code: String
            public var expiresAt: String
            /// The merchant a page paired with it acts for; nil: unbound (no personal data).
            public var merchant: String?
            public init(code: String, expiresAt: String, merchant: String?) {
                self.code = code
                self.expiresAt = expiresAt
                self.merchant = merchant
            }
        }
    }

    /// The pages paired with this gateway.
    public enum BridgePairings: WireOperation {
        public static let name = "bridge.pairings"
        public static let role = Role.till
        public typealias Parameters = NoParameters
        public struct Answer: Codable, Sendable, Equatable {
            public var pairings: [BrowserPairing]
            public init(pairings: [BrowserPairing]) { self.pairings = pairings }
        }
    }

    /// Revokes a paired page: its token stops working and its open connection is closed.
    public enum BridgeRevoke: WireOperation {
        public static let name = "bridge.revoke"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable {
            public var pairing: String
            public init(pairing: String) { self.pairing = pairing }
        }
        public struct Answer: Codable, Sendable, Equatable {
            public var revoked: BrowserPairing
            public init(revoked: BrowserPairing) { self.revoked = revoked }
        }
    }
}

/// A browser page paired with the gateway. The token itself is never listed or stored: only its
/// SHA-256 is kept.
public struct BrowserPairing: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    /// The page's origin (`https://till.example`): the token works from there only.
    public var origin: String
    public var merchant: String?
    public var pairedAt: String
    public var lastSeenAt: String?

    public init(id: String, name: String, origin: String, merchant: String?, pairedAt: String, lastSeenAt: String?) {
        self.id = id
        self.name = name
        self.origin = origin
        self.merchant = merchant
        self.pairedAt = pairedAt
        self.lastSeenAt = lastSeenAt
    }
}

/// What a browser page sends first on the bridge's WebSocket (docs/browser-bridge.md): nothing
/// else is answered before one of these succeeds. Not ops of the till socket.
public enum BridgeOp {
    /// A page paired before: its token, never in a URL.
    public enum Hello: WireOperation {
        public static let name = "bridge.hello"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable {
            public var token: String
            public init(token: String) { self.token = token }
        }
        public typealias Answer = Paired
    }

    /// A new page: the one-time code shown at the till PC; answered with the page's token.
    public enum PairPage: WireOperation {
        public static let name = "bridge.pair-page"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable {
            public var code: String
            public var name: String?
            public init(code: String, name: String? = nil) {
                self.code = code
                self.name = name
            }
        }
        public typealias Answer = Paired
    }

    public struct Paired: Codable, Sendable, Equatable {
        public var pairing: BrowserPairing
        /// Only in the answer to `bridge.pair-page`: keep it (the page's storage), send it in
        /// `bridge.hello` on every later connection.
        public var token: String?
        public init(pairing: BrowserPairing, token: String?) {
            self.pairing = pairing
            self.token = token
        }
    }

    public static let all: [any WireOperation.Type] = [Hello.self, PairPage.self]
}
