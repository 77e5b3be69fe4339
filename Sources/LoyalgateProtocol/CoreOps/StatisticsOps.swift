import LoyaltyDomain

// Statistics and segments for the back office (docs/statistics.md, docs/protocol.md
// "Statistics and segments"). Every figure is computed by the core from rollups kept with the
// ledger; a group of fewer than five customers is never shown. Handlers:
// LoyaltyCore/StatisticsHandlers.swift.

extension CoreOp {
    /// Customers and sales grouped by one dimension in one period.
    public enum ReportStatistics: WireOperation {
        public static let name = "report.statistics"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            /// `gender`, `age`, `area`, `brand`, `category`, `shop`, `points` or `discount`.
            public var dimension: String
            /// A year `2026` or a month `2026-03` (the merchant's local dates); this year when absent.
            public var period: String?
            public init(merchant: String? = nil, dimension: String, period: String? = nil) {
                self.merchant = merchant
                self.dimension = dimension
                self.period = period
            }
        }
        public typealias Answer = StatisticsAnswer
    }

    /// Sales per week or month, the latest `count` of them up to now.
    public enum ReportTrend: WireOperation {
        public static let name = "report.trend"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            /// `week` (ISO weeks, `2026-W09`) or `month` (`2026-03`).
            public var unit: String
            /// How many periods, 1 to 104; 12 when absent.
            public var count: Int?
            /// The instant "now" is judged at (RFC 3339); now when absent.
            public var at: String?
            public init(merchant: String? = nil, unit: String, count: Int? = nil, at: String? = nil) {
                self.merchant = merchant
                self.unit = unit
                self.count = count
                self.at = at
            }
        }
        public typealias Answer = TrendAnswer
    }

    /// The best customers by amount spent, with recency and frequency.
    public enum ReportBestCustomers: WireOperation {
        public static let name = "report.best-customers"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            /// 1 to 500; 20 when absent.
            public var limit: Int?
            public init(merchant: String? = nil, limit: Int? = nil) {
                self.merchant = merchant
                self.limit = limit
            }
        }
        public typealias Answer = BestCustomersAnswer
    }

    /// Saves a segment (a named filter) or replaces the filter of the one with that name.
    public enum SegmentSave: WireOperation {
        public static let name = "segment.save"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            /// 1 to 100 characters, unique per merchant.
            public var name: String
            public var filter: SegmentFilter
            /// The staff member saving it.
            public var user: String
            public init(merchant: String? = nil, name: String, filter: SegmentFilter, user: String) {
                self.merchant = merchant
                self.name = name
                self.filter = filter
                self.user = user
            }
        }
        public typealias Answer = SegmentView
    }

    /// The merchant's segments with their counts.
    public enum SegmentList: WireOperation {
        public static let name = "segment.list"
        public static let role = Role.backOffice
        public typealias Parameters = MerchantParameters
        public typealias Answer = SegmentListAnswer
    }

    /// One page of a segment's customers (or of an unsaved filter's), with the count.
    public enum SegmentMembers: WireOperation {
        public static let name = "segment.members"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            /// A saved segment's number, or
            public var segment: Int64?
            /// a filter to try before saving it.
            public var filter: SegmentFilter?
            /// The `next` of the previous page.
            public var after: Int64?
            /// 1 to 5000; 100 when absent.
            public var limit: Int?
            public init(
                merchant: String? = nil, segment: Int64? = nil, filter: SegmentFilter? = nil, after: Int64? = nil,
                limit: Int? = nil
            ) {
                self.merchant = merchant
                self.segment = segment
                self.filter = filter
                self.after = after
                self.limit = limit
            }
        }
        public typealias Answer = SegmentMembersAnswer
    }

    /// Records a mail to every customer of a segment in the outbox (kind `segment`), once per
    /// recipient; `loyalgate mail run` sends them.
    public enum SegmentMail: WireOperation {
        public static let name = "segment.mail"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public var segment: Int64
            /// At most 200 characters.
            public var subject: String
            /// Plain text, paragraphs separated by blank lines; at most 20,000 characters.
            public var text: String
            public var user: String
            /// The sender's key for this mailing (1 to 64 characters), so that a form sent twice
            /// records one mailing: the same key again answers the first mailing.
            public var key: String?
            public init(
                merchant: String? = nil, segment: Int64, subject: String, text: String, user: String,
                key: String? = nil
            ) {
                self.merchant = merchant
                self.segment = segment
                self.subject = subject
                self.text = text
                self.user = user
                self.key = key
            }
        }
        public typealias Answer = MailingAnswer
    }
}

/// A segment's conditions, all of which a customer meets. Every segment also requires consent
/// to mail and a customer who was not erased.
public struct SegmentFilter: Sendable, Codable, Equatable, Hashable {
    /// Bought this brand (a sale line's `brand`) in the last `brandMonths` months (12 when absent).
    public var brand: String?
    public var brandMonths: Int?
    /// `female`, `male`, `other` or `unknown`.
    public var gender: String?
    /// The first year of the decade of birth: 1980 for those born 1980-1989.
    public var birthDecade: Int?
    /// The postcode area (its first two characters).
    public var area: String?
    public var pointsAtLeast: Int64?
    /// Among the `best` customers by amount spent.
    public var best: Int?
    /// Bought before, but nothing in the last `lapsedMonths` months.
    public var lapsedMonths: Int?
    /// Members only.
    public var members: Bool?

    /// Whether the filter chooses customers by who they are or what they bought (profiling),
    /// which needs their consent to profiling as well as to mail.
    public var usesProfiling: Bool {
        brand != nil || gender != nil || birthDecade != nil || area != nil || pointsAtLeast != nil || best != nil
            || lapsedMonths != nil
    }

    public init(
        brand: String? = nil, brandMonths: Int? = nil, gender: String? = nil, birthDecade: Int? = nil,
        area: String? = nil, pointsAtLeast: Int64? = nil, best: Int? = nil, lapsedMonths: Int? = nil,
        members: Bool? = nil
    ) {
        self.brand = brand
        self.brandMonths = brandMonths
        self.gender = gender
        self.birthDecade = birthDecade
        self.area = area
        self.pointsAtLeast = pointsAtLeast
        self.best = best
        self.lapsedMonths = lapsedMonths
        self.members = members
    }
}

public struct StatisticsAnswer: Sendable, Codable, Equatable {
    public struct Group: Sendable, Codable, Equatable {
        /// The dimension's value as stored (`female`, `1980`, `10`, a brand).
        public var value: String
        /// What a person reads (`37-46` for the decade 1980 in 2026).
        public var label: String
        /// Customers registered in the group (gender, age, area), or accounts (points,
        /// discount); absent for the sales dimensions or when fewer than five.
        public var customers: Int?
        /// Distinct customers who bought in the period; the sales figures are shown only when
        /// at least five.
        public var buyers: Int?
        public var sales: Sales?
        public init(value: String, label: String, customers: Int?, buyers: Int?, sales: Sales?) {
            self.value = value
            self.label = label
            self.customers = customers
            self.buyers = buyers
            self.sales = sales
        }
    }

    public struct Sales: Sendable, Codable, Equatable {
        /// Sales (receipts that earned) and returns.
        public var receipts: Int64
        public var returns: Int64
        /// Sold minus returned, a decimal string.
        public var amount: String
        /// Points earned minus points taken back.
        public var points: Int64
        public init(receipts: Int64, returns: Int64, amount: String, points: Int64) {
            self.receipts = receipts
            self.returns = returns
            self.amount = amount
            self.points = points
        }
    }

    public var merchant: String
    public var currency: String
    public var dimension: String
    public var period: String
    public var groups: [Group]
    /// Figures left out because their group had fewer than five customers (and, so that a
    /// single hidden figure cannot be worked out from the others, the next smallest).
    public var suppressed: Int
    public var note: String
    public init(
        merchant: String, currency: String, dimension: String, period: String, groups: [Group], suppressed: Int,
        note: String
    ) {
        self.merchant = merchant
        self.currency = currency
        self.dimension = dimension
        self.period = period
        self.groups = groups
        self.suppressed = suppressed
        self.note = note
    }
}

public struct TrendAnswer: Sendable, Codable, Equatable {
    public struct Point: Sendable, Codable, Equatable {
        /// `2026-W09` or `2026-03`.
        public var period: String
        /// Absent, like the sales, when fewer than five customers bought.
        public var buyers: Int?
        public var sales: StatisticsAnswer.Sales?
        public init(period: String, buyers: Int?, sales: StatisticsAnswer.Sales?) {
            self.period = period
            self.buyers = buyers
            self.sales = sales
        }
    }

    public var merchant: String
    public var currency: String
    public var unit: String
    public var points: [Point]
    public var note: String
    public init(merchant: String, currency: String, unit: String, points: [Point], note: String) {
        self.merchant = merchant
        self.currency = currency
        self.unit = unit
        self.points = points
        self.note = note
    }
}

public struct BestCustomersAnswer: Sendable, Codable, Equatable {
    public struct Customer: Sendable, Codable, Equatable {
        public var customer: Int64
        public var displayName: String
        /// The last local date the customer bought.
        public var lastPurchase: String
        public var receipts: Int64
        /// Spent, a decimal string (at a pharmacy, medicine left out).
        public var amount: String
        public init(customer: Int64, displayName: String, lastPurchase: String, receipts: Int64, amount: String) {
            self.customer = customer
            self.displayName = displayName
            self.lastPurchase = lastPurchase
            self.receipts = receipts
            self.amount = amount
        }
    }

    public var merchant: String
    public var currency: String
    public var customers: [Customer]
    public init(merchant: String, currency: String, customers: [Customer]) {
        self.merchant = merchant
        self.currency = currency
        self.customers = customers
    }
}

/// On the wire the segment's number is `segment` (an `id` key would replace the request's `id`).
public struct SegmentView: Sendable, Codable, Equatable {
    public var id: Int64
    public var name: String
    public var filter: SegmentFilter
    /// Customers in it now.
    public var count: Int
    public var createdBy: String
    public var createdAt: String
    public init(id: Int64, name: String, filter: SegmentFilter, count: Int, createdBy: String, createdAt: String) {
        self.id = id
        self.name = name
        self.filter = filter
        self.count = count
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    private enum CodingKeys: String, CodingKey {
        case id = "segment"
        case name, filter, count, createdBy, createdAt
    }
}

public struct SegmentListAnswer: Sendable, Codable, Equatable {
    public var segments: [SegmentView]
    public init(segments: [SegmentView]) {
        self.segments = segments
    }
}

public struct SegmentMembersAnswer: Sendable, Codable, Equatable {
    public struct Member: Sendable, Codable, Equatable {
        public var customer: Int64
        public var name: String
        public var email: String?
        /// The customer's first card, if any.
        public var card: String?
        public init(customer: Int64, name: String, email: String?, card: String?) {
            self.customer = customer
            self.name = name
            self.email = email
            self.card = card
        }
    }

    public var count: Int
    public var members: [Member]
    /// The `after` of the next page; absent on the last.
    public var next: Int64?
    public init(count: Int, members: [Member], next: Int64?) {
        self.count = count
        self.members = members
        self.next = next
    }
}

public struct MailingAnswer: Sendable, Codable, Equatable {
    public var mailing: Int64
    /// Mails recorded in the outbox: one per consenting customer of the segment with an address.
    public var recipients: Int
    public init(mailing: Int64, recipients: Int) {
        self.mailing = mailing
        self.recipients = recipients
    }
}
