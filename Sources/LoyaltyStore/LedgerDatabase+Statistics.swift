import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain
import PersonalData

/// Statistics (core ops `report.statistics`, `report.trend`, `report.best-customers`;
/// docs/statistics.md). A report reads the rollups only. They are written after a sale's commit,
/// off the till's path (`rollUpStatistics`, run by the writer when idle and by every report
/// first), together with the watermark of the last sale they include.
extension LedgerDatabase {
    // MARK: The coarse profile beside the sealed record

    /// Writes (or, for nil details, removes) the customer's coarse profile. Called wherever the
    /// sealed record is written.
    static func writeProfile(_ db: Database, merchantID: Int64, customer: Int64, details: CustomerDetails?) throws {
        guard let details else {
            try db.execute(sql: "DELETE FROM customer_profile WHERE customer_id = ?", arguments: [customer])
            return
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO customer_profile (customer_id, merchant_id, gender, birth_decade, area) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (customer_id) DO UPDATE SET gender = excluded.gender, birth_decade = excluded.birth_decade,
                    area = excluded.area
                """
        ).execute(arguments: [
            customer, merchantID, StatisticsDimensions.gender(details.gender),
            StatisticsDimensions.birthDecade(details.birthDate), StatisticsDimensions.area(details.postcode),
        ])
    }

    // MARK: Rollups, kept off the till's path

    /// The `meta` key holding the id of the last ledger entry the rollups include. The rollups
    /// and it are written in one transaction, so after a crash a sale is either in both or in
    /// neither, and the next roll-up adds it exactly once.
    static let rolledUpKey = "statistics-rolled-up"

    /// Sales a roll-up step takes at most: the writer is held for a few milliseconds, and a
    /// backlog (a restart, the first open of an older ledger) is worked through in steps.
    static let rollUpStep = 2_000

    /// Whether sales were recorded that the rollups do not include yet.
    static func statisticsPending(_ db: Database) throws -> Bool {
        let mark =
            try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = '\(rolledUpKey)'")) ?? 0
        return try Bool.fetchOne(
            db.cachedStatement(
                sql: "SELECT EXISTS (SELECT 1 FROM ledger_entry WHERE id > ? AND kind IN ('earn', 'return'))"),
            arguments: [mark]) ?? false
    }

    /// Adds the earns and returns recorded since the watermark (at most `limit`) to the rollups,
    /// and moves the watermark past them, in the caller's transaction. Each sale's figures are
    /// merged in memory first (`StatisticsDeltas`), so a key gets one write per step however
    /// many sales touched it. Returns whether more remain. The same step fills a ledger from
    /// before the rollups (the watermark starts at 0), so a roll-up and a recompute agree.
    static func rollUpStatistics(_ db: Database, programs: ProgramCache, limit: Int) throws -> Bool {
        let mark =
            try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = '\(rolledUpKey)'")) ?? 0
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT e.id, e.merchant_id, e.points, t.kind, t.till, t.account_id, t.lines, t.at, t.program_version_id,
                           a.customer_id
                    FROM ledger_entry e JOIN till_txn t ON t.id = e.txn_id JOIN account a ON a.id = t.account_id
                    WHERE e.id > ? AND e.kind IN ('earn', 'return') ORDER BY e.id LIMIT ?
                    """), arguments: [mark, limit])
        guard let last = rows.last else { return false }
        var deltas = StatisticsDeltas()
        var merchants: [Int64: Merchant] = [:]
        var profiles: [Int64: (String, String, String)] = [:]
        var rules: [Int64: MarketingRule] = [:]
        let decoder = JSONDecoder()
        for row in rows {
            guard let text = row["lines"] as String?, let at = Timestamp.parse(row["at"]) else { continue }
            let merchantID: Int64 = row["merchant_id"]
            let merchant: Merchant
            if let known = merchants[merchantID] {
                merchant = known
            } else {
                guard
                    let found = try Row.fetchOne(
                        db, sql: "SELECT * FROM merchant WHERE id = ?", arguments: [merchantID])
                else { continue }
                merchant = Self.merchant(row: found)
                merchants[merchantID] = merchant
            }
            // The customer's profile as it stands at the roll-up (`unknown` for an anonymous
            // card): a recompute from the ledger sees the same.
            var profile = ("unknown", "unknown", "unknown")
            if let customer = row["customer_id"] as Int64? {
                if let known = profiles[customer] {
                    profile = known
                } else {
                    if let found = try Row.fetchOne(
                        db.cachedStatement(
                            sql: "SELECT gender, birth_decade, area FROM customer_profile WHERE customer_id = ?"),
                        arguments: [customer])
                    {
                        profile = (
                            found["gender"], (found["birth_decade"] as Int?).map(String.init) ?? "unknown",
                            found["area"]
                        )
                    }
                    profiles[customer] = profile
                }
            }
            // The merchant's current rule, not the one of the version the sale was made under:
            // old versions predate the rule, and a pharmacy that tightens it means every sale
            // rolled up from then on (docs/statistics.md).
            let marketing: MarketingRule
            if let known = rules[merchantID] {
                marketing = known
            } else {
                let current = try Int64.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT id FROM program_version WHERE merchant_id = ? ORDER BY version DESC LIMIT 1"),
                    arguments: [merchantID])
                marketing =
                    try current.flatMap { try program(db, versionID: $0, programs: programs).program.marketing }
                    ?? MarketingRule()
                rules[merchantID] = marketing
            }
            try deltas.add(
                merchant: merchant.id, kind: row["kind"], account: row["account_id"],
                lines: try decoder.decode([SaleLine].self, from: Data(text.utf8)),
                day: Timestamp.localDate(at, timeZone: merchant.timeZone),
                shop: StatisticsDimensions.shop(till: row["till"]),
                points: row["points"], profile: profile, marketing: marketing)
        }
        try deltas.apply(db)
        try db.cachedStatement(
            sql: """
                INSERT INTO meta (key, value) VALUES ('\(rolledUpKey)', ?)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """
        ).execute(arguments: [String(last["id"] as Int64)])
        return rows.count == limit
    }

    /// Rolls up every sale recorded so far before a report or segment answers, so what it shows
    /// includes each committed sale. Nothing is written when the rollups are up to date.
    func catchUpStatistics() async throws {
        guard try await read({ db in try Self.statisticsPending(db) }) else { return }
        try await write { [programs] db in
            while try Self.rollUpStatistics(db, programs: programs, limit: Self.rollUpStep) {}
        }
    }

    /// Fills the profiles of a ledger written before `v11-statistics-segments`, once (marked in
    /// `meta`), by opening every customer's record, and sets the watermark to 0 so the roll-up
    /// adds every earn and return; a ledger whose rollups an earlier version kept with each
    /// sale starts its watermark at its last entry. Then rolls up whatever is pending (the sales
    /// of a core killed before their roll-up), in steps of their own transactions.
    func prepareStatistics() throws {
        try writer.write { db in
            let filled = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'statistics-backfill'") != nil
            let mark = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = '\(Self.rolledUpKey)'")
            if filled {
                if mark == nil {
                    try db.execute(
                        sql: "INSERT INTO meta (key, value) VALUES ('\(Self.rolledUpKey)', ?)",
                        arguments: [String(try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM ledger_entry") ?? 0)])
                }
                return
            }
            try db.execute(
                sql: "INSERT INTO meta (key, value) VALUES ('statistics-backfill', ?)", arguments: [nowText()])
            try db.execute(
                sql: """
                    INSERT INTO meta (key, value) VALUES ('\(Self.rolledUpKey)', '0')
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value
                    """)
            let merchants = try Row.fetchAll(db, sql: "SELECT * FROM merchant").map(Self.merchant(row:))
            for merchant in merchants {
                let customers = try Row.fetchCursor(
                    db, sql: "SELECT id, sealed FROM customer WHERE merchant_id = ? AND sealed IS NOT NULL",
                    arguments: [merchant.id])
                while let row = try customers.next() {
                    let details = try JSONDecoder().decode(
                        CustomerDetails.self,
                        from: try self.cipher.open(row["sealed"], context: self.sealingContext(merchant)))
                    try Self.writeProfile(db, merchantID: merchant.id, customer: row["id"], details: details)
                }
            }
        }
        while try writer.write({ [programs] db in
            try Self.rollUpStatistics(db, programs: programs, limit: Self.rollUpStep)
        }) {}
    }

    // MARK: Reports

    public func statistics(merchant code: String?, dimension: String, period: String?, at instant: Date)
        async throws -> StatisticsAnswer
    {
        try Self.checkDimension(dimension)
        // Every sale committed so far is rolled up before the answer (`catchUpStatistics`).
        try await catchUpStatistics()
        return try await read { db in
            let merchant = try Self.merchant(db, code: code)
            let (period, year) = try Self.reportPeriod(period, merchant: merchant, at: instant)
            let money = { (minor: Int64) in Money(minorUnits: minor, currency: merchant.currency).decimalString }
            var rows: StatisticsFigures = [:]
            var hiddenByMonth = 0
            switch dimension {
            case "points", "discount":
                // Banded in SQL: a million accounts are counted, not fetched.
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(Self.bandCase(points: dimension == "points", currency: merchant.currency)) AS band,
                               COUNT(*) AS n
                        FROM account WHERE merchant_id = ? AND customer_id IS NOT NULL GROUP BY band
                        """, arguments: [merchant.id])
                {
                    rows[row["band"], default: (nil, nil, nil)].customers = row["n"]
                }
            default:
                if ["gender", "age", "area"].contains(dimension) {
                    let column = Self.profileColumns[dimension]!
                    for row in try Row.fetchAll(
                        db,
                        sql: """
                            SELECT \(column) AS v, COUNT(*) AS n FROM customer_profile
                            WHERE merchant_id = ? GROUP BY \(column)
                            """, arguments: [merchant.id])
                    {
                        let text = Self.text(row["v"])
                        let value = text.isEmpty ? "unknown" : text
                        rows[value, default: (nil, nil, nil)].customers = row["n"]
                    }
                }
                for row in try Row.fetchAll(
                    db, sql: "SELECT value, buyers FROM stat_period WHERE merchant_id = ? AND period = ? AND dim = ?",
                    arguments: [merchant.id, period, dimension])
                {
                    rows[row["value"], default: (nil, nil, nil)].buyers = row["buyers"]
                }
                if period.count == 4 {
                    let months = StatisticsCalendar.months(of: period)
                    var arguments: StatementArguments = [
                        merchant.id, dimension, StatisticsDimensions.smallestGroup - 1,
                    ]
                    arguments += StatementArguments(months)
                    hiddenByMonth = Self.hideYear(
                        &rows,
                        smallInAMonth: try String.fetchAll(
                            db,
                            sql: """
                                SELECT DISTINCT value FROM stat_period
                                WHERE merchant_id = ? AND dim = ? AND buyers BETWEEN 1 AND ?
                                  AND period IN (\(months.map { _ in "?" }.joined(separator: ", ")))
                                """, arguments: arguments))
                }
                let (from, to) = StatisticsCalendar.days(of: period)
                for row in try Row.fetchAll(
                    db,
                    sql: """
                        SELECT value, SUM(txns) AS txns, SUM(returns) AS returns, SUM(amount_minor) AS amount,
                               SUM(points) AS points
                        FROM stat_sales WHERE merchant_id = ? AND dim = ? AND day >= ? AND day <= ? GROUP BY value
                        """, arguments: [merchant.id, dimension, from, to])
                {
                    rows[row["value"], default: (nil, nil, nil)].sales = StatisticsAnswer.Sales(
                        receipts: row["txns"], returns: row["returns"], amount: money(row["amount"]),
                        points: row["points"])
                }
            }
            return Self.statisticsAnswer(
                merchant: merchant, dimension: dimension, period: period, year: year, rows: rows,
                hiddenByMonth: hiddenByMonth)
        }
    }

    /// The figures of a report per dimension value, as a store read them from its rollups.
    public typealias StatisticsFigures = [String: (customers: Int?, buyers: Int?, sales: StatisticsAnswer.Sales?)]

    static let salesDimensions = ["gender", "age", "area", "brand", "category", "shop"]
    /// The `customer_profile` column a dimension of the registered customers counts by.
    static let profileColumns = ["gender": "gender", "age": "birth_decade", "area": "area"]

    static func checkDimension(_ dimension: String) throws(LoyaltyError) {
        guard salesDimensions.contains(dimension) || dimension == "points" || dimension == "discount" else {
            throw LoyaltyError(
                .badRequest, "\"dimension\" is gender, age, area, brand, category, shop, points or discount.")
        }
    }

    /// The period a report covers (the merchant's current year when none is given) and the
    /// year age bands are counted from.
    static func reportPeriod(_ period: String?, merchant: Merchant, at instant: Date) throws(LoyaltyError) -> (
        String, Int
    ) {
        let today = Timestamp.localDate(instant, timeZone: merchant.timeZone)
        let period = period ?? String(today.prefix(4))
        guard StatisticsCalendar.isYearOrMonth(period) else {
            throw LoyaltyError(.badRequest, "\"period\" is a year like 2026 or a month like 2026-03.")
        }
        return (period, Int(today.prefix(4)) ?? 2026)
    }

    /// A year minus its shown months would give a hidden month away (5 buyers in March shown,
    /// 1 in April hidden, 6 in the year: the year's amount minus March's is that one customer's
    /// April). A group with a month of one to four buyers in the year (`smallInAMonth`) is
    /// hidden in the year too. Returns how many groups that hid.
    static func hideYear(_ rows: inout StatisticsFigures, smallInAMonth: [String]) -> Int {
        var hidden = 0
        for value in Set(smallInAMonth) {
            if let buyers = rows[value]?.buyers, buyers >= StatisticsDimensions.smallestGroup {
                rows[value]?.buyers = 0
                hidden += 1
            }
        }
        return hidden
    }

    /// The answer from a report's figures: small groups suppressed (`suppress`), sorted, and
    /// the note that says what was hidden and why.
    static func statisticsAnswer(
        merchant: Merchant, dimension: String, period: String, year: Int, rows: StatisticsFigures, hiddenByMonth: Int
    ) -> StatisticsAnswer {
        var groups = rows.map { value, figures in
            StatisticsAnswer.Group(
                value: value,
                label: dimension == "age" ? StatisticsDimensions.ageBand(decade: Int(value), year: year) : value,
                customers: figures.customers, buyers: figures.buyers ?? (figures.sales == nil ? nil : 0),
                sales: figures.sales)
        }
        let suppressed = Self.suppress(&groups)
        groups.sort { ($0.customers ?? $0.buyers ?? 0, $1.value) > ($1.customers ?? $1.buyers ?? 0, $0.value) }
        return StatisticsAnswer(
            merchant: merchant.code, currency: merchant.currency.code, dimension: dimension, period: period,
            groups: groups, suppressed: suppressed,
            note: suppressed == 0
                ? "Groups of fewer than \(StatisticsDimensions.smallestGroup) customers are never shown."
                : "\(suppressed) figure(s) are not shown: their group has fewer than \(StatisticsDimensions.smallestGroup) customers, or showing them would let a hidden one be worked out."
                    + (hiddenByMonth == 0
                        ? ""
                        : " \(hiddenByMonth) group(s) are hidden for the year because one to four of their customers bought in one of its months: the year minus the other months would show that month.")
        )
    }

    /// Hides every figure of a group of fewer than five customers, and when exactly one figure
    /// of a kind is hidden, the smallest shown one of that kind too (else a total elsewhere, such
    /// as the trend, minus the others would give it away). Groups left with nothing are removed.
    /// Returns how many figures were hidden.
    public static func suppress(_ groups: inout [StatisticsAnswer.Group]) -> Int {
        let smallest = StatisticsDimensions.smallestGroup
        var hidden = 0
        func hide(
            _ count: (StatisticsAnswer.Group) -> Int?, _ clear: (inout StatisticsAnswer.Group) -> Void
        ) {
            var small = groups.indices.filter { (count(groups[$0]) ?? smallest) < smallest }
            if small.count == 1,
                let next = groups.indices.filter({ !small.contains($0) && count(groups[$0]) != nil })
                    // Ties go by value, so the same group goes with it whatever order the
                    // groups were read in (and on either store).
                    .min(by: { (count(groups[$0])!, groups[$0].value) < (count(groups[$1])!, groups[$1].value) })
            {
                small.append(next)
            }
            for index in small { clear(&groups[index]) }
            hidden += small.count
        }
        hide(\.customers) { $0.customers = nil }
        hide(\.buyers) {
            $0.buyers = nil
            $0.sales = nil
        }
        groups.removeAll { $0.customers == nil && $0.buyers == nil }
        return hidden
    }

    /// The balance bands of the points and discount reports, as an SQL expression over
    /// `account` (the bounds are constants, never caller input).
    static func bandCase(points: Bool, currency: Currency) -> String {
        if points {
            return """
                CASE WHEN points = 0 THEN '0' WHEN points < 100 THEN '1-99' WHEN points < 500 THEN '100-499'
                     WHEN points < 1000 THEN '500-999' WHEN points < 5000 THEN '1000-4999' ELSE '5000+' END
                """
        }
        var unit: Int64 = 1
        for _ in 0..<currency.minorDigits { unit *= 10 }
        return """
            CASE WHEN balance_minor = 0 THEN '0' WHEN balance_minor < \(5 * unit) THEN 'under 5'
                 WHEN balance_minor < \(20 * unit) THEN '5-19' WHEN balance_minor < \(50 * unit) THEN '20-49'
                 ELSE '50+' END
            """
    }

    public func trend(merchant code: String?, unit: String, count: Int, at instant: Date) async throws -> TrendAnswer {
        try Self.checkTrend(unit: unit, count: count)
        // Every sale committed so far is rolled up before the answer (`catchUpStatistics`).
        try await catchUpStatistics()
        return try await read { db in
            let merchant = try Self.merchant(db, code: code)
            let today = Timestamp.localDate(instant, timeZone: merchant.timeZone)
            let periods = Self.trendPeriods(unit: unit, count: count, today: today)
            guard let first = periods.first else {
                return try Self.trendAnswer(merchant: merchant, unit: unit, periods: [], days: [], buyers: [:])
            }
            let days = try Row.fetchAll(
                db,
                sql: """
                    SELECT day, txns, returns, amount_minor, points FROM stat_sales
                    WHERE merchant_id = ? AND dim = 'all' AND value = '' AND day >= ? AND day <= ?
                    """, arguments: [merchant.id, first.from, today]
            ).map { row in
                TrendDay(
                    day: row["day"], txns: row["txns"], returns: row["returns"], amount: row["amount_minor"],
                    points: row["points"])
            }
            var buyers: [String: Int] = [:]
            for period in periods {
                buyers[period.key] =
                    try Int.fetchOne(
                        db,
                        sql:
                            "SELECT buyers FROM stat_period WHERE merchant_id = ? AND period = ? AND dim = 'all' AND value = ''",
                        arguments: [merchant.id, period.key]) ?? 0
            }
            return try Self.trendAnswer(merchant: merchant, unit: unit, periods: periods, days: days, buyers: buyers)
        }
    }

    /// One day of a merchant's whole-shop sales (`stat_sales`, dimension `all`).
    struct TrendDay {
        var day: String
        var txns: Int64
        var returns: Int64
        var amount: Int64
        var points: Int64
    }

    static func checkTrend(unit: String, count: Int) throws(LoyaltyError) {
        guard unit == "week" || unit == "month" else {
            throw LoyaltyError(.badRequest, "\"unit\" is week or month.")
        }
        guard (1...104).contains(count) else { throw LoyaltyError(.badRequest, "\"count\" is 1 to 104.") }
    }

    /// The last `count` weeks or months up to today's, oldest first, with their first days.
    static func trendPeriods(unit: String, count: Int, today: String) -> [(key: String, from: String)] {
        unit == "week"
            ? StatisticsCalendar.lastWeeks(today, count: count) : StatisticsCalendar.lastMonths(today, count: count)
    }

    /// The trend from the days' sales and each period's distinct buyers: a period in which
    /// fewer than five customers bought is not shown, and every sum is overflow-checked.
    static func trendAnswer(
        merchant: Merchant, unit: String, periods: [(key: String, from: String)], days: [TrendDay],
        buyers: [String: Int]
    ) throws -> TrendAnswer {
        var sums: [String: (Int64, Int64, Int64, Int64)] = [:]
        for day in days {
            let key = unit == "week" ? (StatisticsCalendar.isoWeek(day.day) ?? "") : String(day.day.prefix(7))
            let sum = sums[key] ?? (0, 0, 0, 0)
            guard let amount = Limits.moved(sum.2, by: day.amount) else {
                throw LoyaltyError(.internalError, "The sales of \(key) add up past what can be counted.")
            }
            sums[key] = (
                try StatisticsDeltas.sum(sum.0, day.txns), try StatisticsDeltas.sum(sum.1, day.returns), amount,
                try StatisticsDeltas.sum(sum.3, day.points)
            )
        }
        var hidden = 0
        let points = periods.map { period in
            let buyers = buyers[period.key] ?? 0
            if buyers == 0 { return TrendAnswer.Point(period: period.key, buyers: 0, sales: nil) }
            guard buyers >= StatisticsDimensions.smallestGroup, let sum = sums[period.key] else {
                hidden += 1
                return TrendAnswer.Point(period: period.key, buyers: nil, sales: nil)
            }
            return TrendAnswer.Point(
                period: period.key, buyers: buyers,
                sales: StatisticsAnswer.Sales(
                    receipts: sum.0, returns: sum.1,
                    amount: Money(minorUnits: sum.2, currency: merchant.currency).decimalString, points: sum.3))
        }
        return TrendAnswer(
            merchant: merchant.code, currency: merchant.currency.code, unit: unit, points: points,
            note: periods.isEmpty
                ? ""
                : hidden == 0
                    ? "A \(unit) in which fewer than \(StatisticsDimensions.smallestGroup) customers bought is never shown."
                    : "\(hidden) \(unit)(s) are not shown: fewer than \(StatisticsDimensions.smallestGroup) customers bought in them."
        )
    }

    /// Up to this many consenting customers, the best are found by sorting them; beyond it, by
    /// walking the amount index (which then meets a consenting one every few rows).
    static let bestCustomersWalkFrom = 50_000

    public func bestCustomers(merchant code: String?, limit: Int) async throws -> BestCustomersAnswer {
        guard (1...500).contains(limit) else { throw LoyaltyError(.badRequest, "\"limit\" is 1 to 500.") }
        // Every sale committed so far is rolled up before the answer (`catchUpStatistics`).
        try await catchUpStatistics()
        return try await read { db in
            let merchant = try Self.merchant(db, code: code)
            // A list of named people by what they spent is profiling: like a segment that picks
            // by purchase, it holds only customers who consented to it.
            // In the order of the amount index, so a million accounts are not sorted: a customer
            // with several accounts (a household split) is listed by the largest.
            // Walking the amount index finds the best quickly when many consent, but walks it
            // all when almost nobody does (4.4 s at a million accounts with no one consenting);
            // then the few who consent are sorted instead (`customer_profiling`, v13; CROSS JOIN
            // keeps SQLite's planner from walking the amount index anyway). Both give the same order.
            let consenting =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM customer INDEXED BY customer_profiling
                        WHERE merchant_id = ? AND consent_profiling = 1 AND erased_at IS NULL
                        """, arguments: [merchant.id]) ?? 0
            let sql =
                consenting > Self.bestCustomersWalkFrom
                ? """
                SELECT a.customer_id AS customer, s.last_day, s.txns, s.amount_minor AS amount
                FROM account_stats s JOIN account a ON a.id = s.account_id
                JOIN customer c ON c.id = a.customer_id AND c.erased_at IS NULL AND c.consent_profiling = 1
                WHERE s.merchant_id = ? ORDER BY s.amount_minor DESC, a.customer_id LIMIT ?
                """
                : """
                SELECT a.customer_id AS customer, s.last_day, s.txns, s.amount_minor AS amount
                FROM customer c INDEXED BY customer_profiling CROSS JOIN account a ON a.customer_id = c.id
                CROSS JOIN account_stats s ON s.account_id = a.id
                WHERE c.merchant_id = ?1 AND c.consent_profiling = 1 AND c.erased_at IS NULL AND s.merchant_id = ?1
                ORDER BY s.amount_minor DESC, a.customer_id LIMIT ?2
                """
            var seen = Set<Int64>()
            let rows = try Row.fetchAll(db, sql: sql, arguments: [merchant.id, limit * 4]).filter {
                seen.insert($0["customer"]).inserted
            }.prefix(limit)
            return BestCustomersAnswer(
                merchant: merchant.code, currency: merchant.currency.code,
                customers: try rows.map { row in
                    let record = try self.record(db, merchant: merchant, id: row["customer"])
                    return BestCustomersAnswer.Customer(
                        customer: row["customer"], displayName: record.displayName ?? "", lastPurchase: row["last_day"],
                        receipts: row["txns"],
                        amount: Money(minorUnits: row["amount"], currency: merchant.currency).decimalString)
                })
        }
    }
}

/// Local dates as the rollups key them: `2026-03-09`, months `2026-03`, ISO weeks `2026-W11`.
enum StatisticsCalendar {
    static func parts(_ day: String) -> (Int, Int, Int)? {
        let parts = day.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        return (y, m, d)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func days(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y - 1 : y
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civil(_ z: Int) -> (Int, Int, Int) {
        let z = z + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? yoe + era * 400 + 1 : yoe + era * 400, m, d)
    }

    static func text(_ z: Int) -> String {
        let (y, m, d) = civil(z)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// `2026-W09`: the ISO year and week of a local date.
    static func isoWeek(_ day: String) -> String? {
        guard let (y, m, d) = parts(day) else { return nil }
        let z = days(y, m, d)
        let weekday = ((z + 3) % 7 + 7) % 7 + 1
        let thursday = z - (weekday - 4)
        let (year, _, _) = civil(thursday)
        let week = (thursday - days(year, 1, 1)) / 7 + 1
        return String(format: "%04d-W%02d", year, week)
    }

    /// The twelve months of a year, `2026-01` to `2026-12`.
    static func months(of year: String) -> [String] { (1...12).map { String(format: "%@-%02d", year, $0) } }

    static func isYearOrMonth(_ period: String) -> Bool {
        let parts = period.split(separator: "-", omittingEmptySubsequences: false)
        guard parts[0].count == 4, let year = Int(parts[0]), Timestamp.years.contains(year) else { return false }
        if parts.count == 1 { return true }
        return parts.count == 2 && parts[1].count == 2 && (1...12).contains(Int(parts[1]) ?? 0)
    }

    /// The first and last local date of a year or month.
    static func days(of period: String) -> (String, String) {
        if period.count == 4 { return ("\(period)-01-01", "\(period)-12-31") }
        return ("\(period)-01", "\(period)-31")
    }

    /// The last `count` ISO weeks up to the one `today` is in, oldest first, with their Mondays.
    static func lastWeeks(_ today: String, count: Int) -> [(key: String, from: String)] {
        guard let (y, m, d) = parts(today) else { return [] }
        let z = days(y, m, d)
        let monday = z - (((z + 3) % 7 + 7) % 7)
        return (0..<count).reversed().map { back in
            let start = monday - 7 * back
            return (isoWeek(text(start)) ?? "", text(start))
        }
    }

    static func lastMonths(_ today: String, count: Int) -> [(key: String, from: String)] {
        guard let (y, m, _) = parts(today) else { return [] }
        return (0..<count).reversed().map { back in
            let index = y * 12 + (m - 1) - back
            let key = String(format: "%04d-%02d", index / 12, index % 12 + 1)
            return (key, key + "-01")
        }
    }
}
