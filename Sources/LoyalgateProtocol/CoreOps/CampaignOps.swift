import LoyaltyDomain

// Campaigns (time-limited rules of a program) and prize draws (docs/campaigns-and-draws.md).
// Handlers: LoyaltyCore/CampaignHandlers.swift.

extension CoreOp {
    /// Adds a planned campaign to the merchant's program: a new program version.
    public enum CampaignAdd: WireOperation {
        public static let name = "campaign.add"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public var campaign: Program.Campaign
            public init(merchant: String? = nil, campaign: Program.Campaign) {
                self.merchant = merchant
                self.campaign = campaign
            }
        }
        public typealias Answer = CampaignsAnswer
    }

    /// Cancels a campaign: a planned one is removed, a running one ends now. A new program version.
    public enum CampaignCancel: WireOperation {
        public static let name = "campaign.cancel"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            /// The campaign's id.
            public var campaign: String
            public init(merchant: String? = nil, campaign: String) {
                self.merchant = merchant
                self.campaign = campaign
            }
        }
        public typealias Answer = CampaignsAnswer
    }

    /// The campaigns of the merchant's current program version, each with its state now.
    public enum CampaignList: WireOperation {
        public static let name = "campaign.list"
        public static let role = Role.backOffice
        public typealias Parameters = MerchantParameters
        public typealias Answer = CampaignsAnswer
    }
}

public struct CampaignsAnswer: Sendable, Codable, Equatable {
    public struct Item: Sendable, Codable, Equatable {
        public var campaign: Program.Campaign
        /// `planned`, `running` or `ended`, now, in the merchant's time zone.
        public var state: String
        public init(campaign: Program.Campaign, state: String) {
            self.campaign = campaign
            self.state = state
        }
    }

    public var merchant: String
    public var timeZone: String
    /// The program version the campaigns are part of (the merchant's version number).
    public var version: Int
    public var campaigns: [Item]
    public init(merchant: String, timeZone: String, version: Int, campaigns: [Item]) {
        self.merchant = merchant
        self.timeZone = timeZone
        self.version = version
        self.campaigns = campaigns
    }
}

extension CoreOp {
    /// Defines a prize draw: a period, an amount per entry, how many winners.
    public enum DrawDefine: WireOperation {
        public static let name = "draw.define"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            /// A short stable name, `"market-2027-03"`.
            public var draw: String
            public var name: String
            /// Local times in the merchant's zone, `from` inclusive, `until` exclusive.
            public var from: String
            public var until: String
            /// One entry per this much spent in the period per card, a decimal string.
            public var per: String
            /// How many winners, 1 to 1000.
            public var winners: Int
            public init(
                merchant: String? = nil, draw: String, name: String, from: String, until: String, per: String,
                winners: Int
            ) {
                self.merchant = merchant
                self.draw = draw
                self.name = name
                self.from = from
                self.until = until
                self.per = per
                self.winners = winners
            }
        }
        public typealias Answer = DrawView
    }

    /// Draws the seed and publishes its SHA-256 (`seedHash`); before the period ends.
    public enum DrawCommit: WireOperation {
        public static let name = "draw.commit"
        public static let role = Role.backOffice
        public typealias Parameters = DrawParameters
        public typealias Answer = DrawView
    }

    /// Counts the entries, picks the winners from the seed and reveals it; after the period ends.
    public enum DrawRun: WireOperation {
        public static let name = "draw.run"
        public static let role = Role.backOffice
        public typealias Parameters = DrawParameters
        public typealias Answer = DrawView
    }

    /// The merchant's draws, newest first.
    public enum DrawList: WireOperation {
        public static let name = "draw.list"
        public static let role = Role.backOffice
        public typealias Parameters = MerchantParameters
        public typealias Answer = DrawListAnswer
    }

    /// One draw with its entries per card (so far, before it is run) and its report as CSV.
    public enum DrawReport: WireOperation {
        public static let name = "draw.report"
        public static let role = Role.backOffice
        public typealias Parameters = DrawParameters
        public typealias Answer = DrawReportAnswer
    }
}

public struct DrawParameters: Codable, Sendable, Equatable {
    public var merchant: String?
    public var draw: String
    public init(merchant: String? = nil, draw: String) {
        self.merchant = merchant
        self.draw = draw
    }
}

public struct DrawView: Sendable, Codable, Equatable {
    public var draw: String
    public var name: String
    public var from: String
    public var until: String
    public var per: String
    public var currency: String
    public var winners: Int
    /// `defined`, `committed` or `drawn`.
    public var state: String
    /// Hex SHA-256 of the seed, from the commitment on.
    public var seedHash: String?
    public var committedAt: String?
    /// The seed in hex, once drawn.
    public var seed: String?
    public var drawnAt: String?
    /// The winning cards in the order drawn, once drawn.
    public var winningCards: [String]?
    public init(
        draw: String, name: String, from: String, until: String, per: String, currency: String, winners: Int,
        state: String, seedHash: String? = nil, committedAt: String? = nil, seed: String? = nil,
        drawnAt: String? = nil, winningCards: [String]? = nil
    ) {
        self.draw = draw
        self.name = name
        self.from = from
        self.until = until
        self.per = per
        self.currency = currency
        self.winners = winners
        self.state = state
        self.seedHash = seedHash
        self.committedAt = committedAt
        self.seed = seed
        self.drawnAt = drawnAt
        self.winningCards = winningCards
    }
}

public struct DrawListAnswer: Sendable, Codable, Equatable {
    public var draws: [DrawView]
    public init(draws: [DrawView]) { self.draws = draws }
}

public struct DrawReportAnswer: Sendable, Codable, Equatable {
    public struct Entry: Sendable, Codable, Equatable {
        public var card: String
        /// Spent in the period, less what was returned, a decimal string.
        public var spent: String
        public var entries: Int64
        /// 1 for the first card drawn, ...; absent for a card that did not win.
        public var won: Int?
        public init(card: String, spent: String, entries: Int64, won: Int? = nil) {
            self.card = card
            self.spent = spent
            self.entries = entries
            self.won = won
        }
    }

    public var view: DrawView
    /// Cards with at least one entry, by card number.
    public var entries: [Entry]
    /// The report as CSV (what `loyalgate draw verify` reads).
    public var csv: String
    public init(view: DrawView, entries: [Entry], csv: String) {
        self.view = view
        self.entries = entries
        self.csv = csv
    }
}
