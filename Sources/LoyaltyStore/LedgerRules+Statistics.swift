import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain

/// Statistics and segments (docs/statistics.md) as far as they do not depend on the engine,
/// for the PostgreSQL store: what a sale adds to the rollups (`StatisticsDeltas`), which small
/// groups a report hides, what a segment's filter selects. Each calls the SQLite store's own
/// code, so the two stores count, hide and select the same way and there is one of each.
extension LedgerRules {
    /// What the sales of one roll-up step add to the rollups, merged per key.
    public struct StatisticsStep {
        var deltas = StatisticsDeltas()

        public init() {}

        /// One earn or return (other kinds add nothing), as `LedgerDatabase.rollUpStatistics`
        /// adds it: `profile` is the customer's coarse profile, `unknown` for an anonymous card.
        public mutating func add(
            merchant: Int64, kind: String, account: Int64, lines: [SaleLine], day: String, shop: String, points: Int64,
            profile: (gender: String, decade: String, area: String), marketing: MarketingRule
        ) throws {
            try deltas.add(
                merchant: merchant, kind: kind, account: account, lines: lines, day: day, shop: shop, points: points,
                profile: profile, marketing: marketing)
        }

        /// A `stat_sales` row's increments.
        public struct Sales: Sendable {
            public var merchant: Int64
            public var day: String
            public var dim: String
            public var value: String
            public var txns: Int64
            public var returns: Int64
            public var amount: Int64
            public var points: Int64
        }

        public var sales: [Sales] {
            deltas.sales.map { key, figures in
                Sales(
                    merchant: key.merchant, day: key.day, dim: key.dim, value: key.value, txns: figures.txns,
                    returns: figures.returns, amount: figures.amount, points: figures.points)
            }
        }

        /// A `stat_buyer` row: an account that bought in a period, counted once per dimension value.
        public struct Buyer: Sendable, Hashable {
            public var merchant: Int64
            public var period: String
            public var dim: String
            public var value: String
            public var account: Int64

            init(_ key: StatisticsDeltas.BuyerKey) {
                self.init(
                    merchant: key.merchant, period: key.period, dim: key.dim, value: key.value, account: key.account)
            }

            public init(merchant: Int64, period: String, dim: String, value: String, account: Int64) {
                self.merchant = merchant
                self.period = period
                self.dim = dim
                self.value = value
                self.account = account
            }

            var key: StatisticsDeltas.BuyerKey {
                .init(merchant: merchant, period: period, dim: dim, value: value, account: account)
            }
        }

        public var buyers: [Buyer] { deltas.buyers.keys.map(Buyer.init) }

        /// A `stat_period` row's increment of distinct buyers.
        public struct Period: Sendable {
            public var merchant: Int64
            public var period: String
            public var dim: String
            public var value: String
            public var buyers: Int64
        }

        /// What the buyers whose `stat_buyer` row was new (`new`) add to the periods' counts.
        public func periodCounts(new: [Buyer]) throws -> [Period] {
            try deltas.periodCounts(new: new.map(\.key)).map { key, buyers in
                Period(merchant: key.merchant, period: key.period, dim: key.dim, value: key.value, buyers: buyers)
            }
        }

        /// An account's recency, frequency and amount (`account_stats`). `takenFirst` is what
        /// returns took back before the step's first earn: it only lowers an existing row.
        public struct Account: Sendable {
            public var account: Int64
            public var merchant: Int64
            public var takenFirst: Int64
            public var earned: Bool
            public var firstDay: String
            public var lastDay: String
            public var txns: Int64
            public var amount: Int64
        }

        public var accounts: [Account] {
            deltas.accounts.map { account, figures in
                Account(
                    account: account, merchant: figures.merchant, takenFirst: figures.takenFirst,
                    earned: figures.earned, firstDay: figures.firstDay, lastDay: figures.lastDay, txns: figures.txns,
                    amount: figures.amount)
            }
        }

        /// The last day an account bought a brand (`segment_brand`), marketing lines only.
        public struct Brand: Sendable {
            public var merchant: Int64
            public var brand: String
            public var account: Int64
            public var lastDay: String
        }

        public var brands: [Brand] {
            deltas.brands.map { key, day in
                Brand(merchant: key.merchant, brand: key.brand, account: key.account, lastDay: day)
            }
        }
    }

    /// The refusal of a roll-up whose sums would pass what a 64-bit integer holds.
    public static var statisticsOverflow: LoyaltyError {
        LoyaltyError(.internalError, "The statistics add up past what the ledger can count.")
    }

    /// The `meta` key of the last ledger entry the rollups include (the same on both stores, so
    /// `loyalgate migrate` carries it over with the rollups).
    public static let statisticsRolledUpKey = LedgerDatabase.rolledUpKey
    /// Sales one roll-up step takes at most.
    public static let statisticsRollUpStep = LedgerDatabase.rollUpStep

    // MARK: Reports

    public typealias StatisticsFigures = LedgerDatabase.StatisticsFigures

    public static func checkStatisticsDimension(_ dimension: String) throws(LoyaltyError) {
        try LedgerDatabase.checkDimension(dimension)
    }

    /// The `customer_profile` column a dimension counts the registered customers by, if any.
    public static func profileColumn(_ dimension: String) -> String? { LedgerDatabase.profileColumns[dimension] }

    public static func statisticsPeriod(_ period: String?, merchant: Merchant, at instant: Date)
        throws(LoyaltyError) -> (period: String, year: Int)
    {
        try LedgerDatabase.reportPeriod(period, merchant: merchant, at: instant)
    }

    public static func months(ofYear year: String) -> [String] { StatisticsCalendar.months(of: year) }

    /// The first and last local date of a year or month.
    public static func days(of period: String) -> (from: String, to: String) { StatisticsCalendar.days(of: period) }

    public static func hideYear(_ rows: inout StatisticsFigures, smallInAMonth: [String]) -> Int {
        LedgerDatabase.hideYear(&rows, smallInAMonth: smallInAMonth)
    }

    public static func statisticsAnswer(
        merchant: Merchant, dimension: String, period: String, year: Int, rows: StatisticsFigures, hiddenByMonth: Int
    ) -> StatisticsAnswer {
        LedgerDatabase.statisticsAnswer(
            merchant: merchant, dimension: dimension, period: period, year: year, rows: rows,
            hiddenByMonth: hiddenByMonth)
    }

    /// The balance bands of the points and discount reports, as an SQL expression over `account`.
    public static func balanceBands(points: Bool, currency: Currency) -> String {
        LedgerDatabase.bandCase(points: points, currency: currency)
    }

    public static func checkTrend(unit: String, count: Int) throws(LoyaltyError) {
        try LedgerDatabase.checkTrend(unit: unit, count: count)
    }

    public static func trendPeriods(unit: String, count: Int, today: String) -> [(key: String, from: String)] {
        LedgerDatabase.trendPeriods(unit: unit, count: count, today: today)
    }

    /// The trend from each day's whole-shop sales and each period's distinct buyers.
    public static func trendAnswer(
        merchant: Merchant, unit: String, periods: [(key: String, from: String)],
        days: [(day: String, txns: Int64, returns: Int64, amount: Int64, points: Int64)], buyers: [String: Int]
    ) throws -> TrendAnswer {
        try LedgerDatabase.trendAnswer(
            merchant: merchant, unit: unit, periods: periods,
            days: days.map {
                LedgerDatabase.TrendDay(
                    day: $0.day, txns: $0.txns, returns: $0.returns, amount: $0.amount, points: $0.points)
            }, buyers: buyers)
    }

    // MARK: Segments

    public static func checkedSegment(_ filter: SegmentFilter) throws(LoyaltyError) -> SegmentFilter {
        try LedgerDatabase.checked(filter)
    }

    public static func segmentName(_ name: String) throws(LoyaltyError) -> String {
        try LedgerDatabase.segmentName(name)
    }

    public static func checkedMembersRequest(segment: Int64?, filter: SegmentFilter?, after: Int64, limit: Int)
        throws(LoyaltyError) -> SegmentFilter?
    {
        try LedgerDatabase.checkedMembersRequest(segment: segment, filter: filter, after: after, limit: limit)
    }

    /// A mailing's subject, trimmed, once subject, text and key are found acceptable.
    public static func checkedMailing(subject: String, text: String, key: String?) throws(LoyaltyError) -> String {
        try LedgerDatabase.checkedMailing(subject: subject, text: text, key: key)
    }

    /// The WHERE clause over `customer c` of a segment (consent to mail, not erased, then each
    /// condition of the filter), with `?` placeholders and their values in order.
    public static func segmentCondition(_ filter: SegmentFilter, merchant: Merchant, today: String) -> (
        String, [any DatabaseValueConvertible]
    ) {
        LedgerDatabase.segmentCondition(filter, merchant: merchant, today: today)
    }
}
