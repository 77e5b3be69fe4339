import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain
import PersonalData

/// Statistics (core ops `report.statistics`, `report.trend`, `report.best-customers`;
/// docs/statistics.md). The rollups are written with each sale and return, in the same
/// transaction as its ledger entry (`recordStatistics`, called by `post`), so a report reads the
/// rollups only.
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

    // MARK: Rollups kept with every sale

    /// Adds one earn or return to the rollups. The dimension values are the customer's profile
    /// at the time of the sale (`unknown` for an anonymous card); an amount is the sum of the
    /// lines as the till sent them.
    static func recordStatistics(_ db: Database, merchant: Merchant, _ posting: Posting) throws {
        guard posting.kind == "earn" || posting.kind == "return", let lines = posting.lines else { return }
        let sign: Int64 = posting.kind == "earn" ? 1 : -1
        let day = Timestamp.localDate(posting.at, timeZone: merchant.timeZone)
        let month = String(day.prefix(7))
        let year = String(day.prefix(4))
        let week = StatisticsCalendar.isoWeek(day) ?? year
        var gender = "unknown"
        var decade = "unknown"
        var area = "unknown"
        if let customer = posting.account.customerID,
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT gender, birth_decade, area FROM customer_profile WHERE customer_id = ?"),
                arguments: [customer])
        {
            gender = row["gender"]
            decade = (row["birth_decade"] as Int?).map(String.init) ?? "unknown"
            area = row["area"]
        }
        var total: Int64 = 0
        var marketingTotal: Int64 = 0
        var marketingLines = 0
        var byBrand: [String: Int64] = [:]
        var byCategory: [String: Int64] = [:]
        let marketing = posting.marketing ?? MarketingRule()
        for line in lines {
            let amount = line.amount.minorUnits
            guard let sum = Limits.moved(total, by: amount) else {
                throw LoyaltyError(.internalError, "The lines of this sale add up past what the ledger can count.")
            }
            total = sum
            byBrand[line.brand ?? "(none)", default: 0] += amount
            byCategory[line.category ?? "(none)", default: 0] += amount
            if !marketing.excludes(category: line.category) {
                marketingTotal += amount
                marketingLines += 1
            }
        }
        let shop = StatisticsDimensions.shop(till: posting.till)
        let isEarn: Int64 = sign > 0 ? 1 : 0
        let sales = try db.cachedStatement(
            sql: """
                INSERT INTO stat_sales (merchant_id, day, dim, value, txns, returns, amount_minor, points)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (merchant_id, dim, day, value) DO UPDATE SET txns = txns + excluded.txns,
                    returns = returns + excluded.returns, amount_minor = amount_minor + excluded.amount_minor,
                    points = points + excluded.points
                """)
        var whole: [(String, String)] = [("all", ""), ("gender", gender), ("age", decade), ("area", area)]
        whole.append(("shop", shop))
        for (dim, value) in whole {
            try sales.execute(arguments: [
                merchant.id, day, dim, value, isEarn, 1 - isEarn, sign * total, posting.points,
            ])
        }
        for (dim, amounts) in [("brand", byBrand), ("category", byCategory)] {
            for (value, amount) in amounts {
                try sales.execute(arguments: [merchant.id, day, dim, value, isEarn, 1 - isEarn, sign * amount, 0])
            }
        }
        guard sign > 0 else {
            // A return takes money back from the rollups; it makes nobody a buyer, and the
            // account's marketing figures keep the sale (a return is not a lapse).
            if marketingLines > 0 {
                try db.cachedStatement(
                    sql: "UPDATE account_stats SET amount_minor = amount_minor - ? WHERE account_id = ?"
                ).execute(arguments: [marketingTotal, posting.account.id])
            }
            return
        }
        // Distinct buyers: the first row of an account in a period and dimension counts it once.
        let buyer = try db.cachedStatement(
            sql:
                "INSERT OR IGNORE INTO stat_buyer (merchant_id, period, dim, value, account_id) VALUES (?, ?, ?, ?, ?)")
        let count = try db.cachedStatement(
            sql: """
                INSERT INTO stat_period (merchant_id, period, dim, value, buyers) VALUES (?, ?, ?, ?, 1)
                ON CONFLICT (merchant_id, period, dim, value) DO UPDATE SET buyers = buyers + 1
                """)
        var keyed: [(String, String)] = [("all", ""), ("shop", shop)]
        keyed += byBrand.keys.map { ("brand", $0) }
        keyed += byCategory.keys.map { ("category", $0) }
        for period in [month, year] {
            for (dim, value) in keyed {
                try buyer.execute(arguments: [merchant.id, period, dim, value, posting.account.id])
                guard db.changesCount == 1 else { continue }
                try count.execute(arguments: [merchant.id, period, dim, value])
                if dim == "all" {
                    // The demographic groups count a buyer with the whole-shop row.
                    for (dim, value) in [("gender", gender), ("age", decade), ("area", area)] {
                        try count.execute(arguments: [merchant.id, period, dim, value])
                    }
                }
            }
        }
        try buyer.execute(arguments: [merchant.id, week, "all", "", posting.account.id])
        if db.changesCount == 1 { try count.execute(arguments: [merchant.id, week, "all", ""]) }
        // Per-account figures for best customers and segments: never a line of medicine at a
        // pharmacy (health data), unless the program allows it.
        guard marketingLines > 0 else { return }
        try db.cachedStatement(
            sql: """
                INSERT INTO account_stats (account_id, merchant_id, first_day, last_day, txns, amount_minor)
                VALUES (?, ?, ?, ?, 1, ?)
                ON CONFLICT (account_id) DO UPDATE SET first_day = MIN(first_day, excluded.first_day),
                    last_day = MAX(last_day, excluded.last_day), txns = txns + 1,
                    amount_minor = amount_minor + excluded.amount_minor
                """
        ).execute(arguments: [posting.account.id, merchant.id, day, day, marketingTotal])
        let brand = try db.cachedStatement(
            sql: """
                INSERT INTO segment_brand (merchant_id, brand, account_id, last_day) VALUES (?, ?, ?, ?)
                ON CONFLICT (merchant_id, brand, account_id) DO UPDATE SET last_day = MAX(last_day, excluded.last_day)
                """)
        for name in Set(lines.filter { !marketing.excludes(category: $0.category) }.compactMap(\.brand)) {
            try brand.execute(arguments: [merchant.id, name, posting.account.id, day])
        }
    }

    /// Fills the profiles and rollups of a ledger written before `v11-statistics-segments`, once
    /// (marked in `meta`): every customer's record is opened for its coarse profile, and every
    /// earn and return is added as if it had just been recorded.
    func backfillStatistics() throws {
        try writer.write { db in
            guard try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'statistics-backfill'") == nil
            else { return }
            try db.execute(
                sql: "INSERT INTO meta (key, value) VALUES ('statistics-backfill', ?)", arguments: [nowText()])
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
                // A cursor: a ledger of ten million entries is not held in memory at once.
                let txns = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT t.kind, t.till, t.account_id, t.lines, t.at, t.program_version_id, e.points
                        FROM ledger_entry e JOIN till_txn t ON t.id = e.txn_id
                        WHERE e.merchant_id = ? AND e.kind IN ('earn', 'return') ORDER BY e.id
                        """, arguments: [merchant.id])
                while let row = try txns.next() {
                    guard let text = row["lines"] as String?, let at = Timestamp.parse(row["at"]) else { continue }
                    let lines = try JSONDecoder().decode([SaleLine].self, from: Data(text.utf8))
                    let marketing = try (row["program_version_id"] as Int64?).map {
                        try self.program(db, versionID: $0, merchant: merchant).program.marketing
                    }
                    let points: Int64 = row["points"]
                    try Self.recordStatistics(
                        db, merchant: merchant,
                        Posting(
                            kind: row["kind"], till: row["till"], receipt: "", card: "",
                            account: try Self.account(db, id: row["account_id"]), lines: lines,
                            intendedPoints: points, intendedMinor: 0, points: points, minor: 0, at: at,
                            redeemed: nil, digest: Data(), marketing: marketing ?? nil))
                }
            }
        }
    }

    // MARK: Reports

    public func statistics(merchant code: String?, dimension: String, period: String?, at instant: Date)
        async throws -> StatisticsAnswer
    {
        let salesDimensions = ["gender", "age", "area", "brand", "category", "shop"]
        guard salesDimensions.contains(dimension) || dimension == "points" || dimension == "discount" else {
            throw LoyaltyError(
                .badRequest, "\"dimension\" is gender, age, area, brand, category, shop, points or discount.")
        }
        return try await read { db in
            let merchant = try Self.merchant(db, code: code)
            let today = Timestamp.localDate(instant, timeZone: merchant.timeZone)
            let period = period ?? String(today.prefix(4))
            guard StatisticsCalendar.isYearOrMonth(period) else {
                throw LoyaltyError(.badRequest, "\"period\" is a year like 2026 or a month like 2026-03.")
            }
            let money = { (minor: Int64) in Money(minorUnits: minor, currency: merchant.currency).decimalString }
            let year = Int(today.prefix(4)) ?? 2026
            var rows: [String: (customers: Int?, buyers: Int?, sales: StatisticsAnswer.Sales?)] = [:]
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
                    let column = ["gender": "gender", "age": "birth_decade", "area": "area"][dimension]!
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
            )
        }
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
                    .min(by: { count(groups[$0])! < count(groups[$1])! })
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
        guard unit == "week" || unit == "month" else {
            throw LoyaltyError(.badRequest, "\"unit\" is week or month.")
        }
        guard (1...104).contains(count) else { throw LoyaltyError(.badRequest, "\"count\" is 1 to 104.") }
        return try await read { db in
            let merchant = try Self.merchant(db, code: code)
            let today = Timestamp.localDate(instant, timeZone: merchant.timeZone)
            let periods =
                unit == "week"
                ? StatisticsCalendar.lastWeeks(today, count: count) : StatisticsCalendar.lastMonths(today, count: count)
            guard let first = periods.first else {
                return TrendAnswer(
                    merchant: merchant.code, currency: merchant.currency.code, unit: unit, points: [], note: "")
            }
            var sums: [String: (Int64, Int64, Int64, Int64)] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT day, txns, returns, amount_minor, points FROM stat_sales
                    WHERE merchant_id = ? AND dim = 'all' AND value = '' AND day >= ? AND day <= ?
                    """, arguments: [merchant.id, first.from, today])
            {
                let day: String = row["day"]
                let key = unit == "week" ? (StatisticsCalendar.isoWeek(day) ?? "") : String(day.prefix(7))
                var sum = sums[key] ?? (0, 0, 0, 0)
                guard let amount = Limits.moved(sum.2, by: row["amount_minor"]) else {
                    throw LoyaltyError(.internalError, "The sales of \(key) add up past what can be counted.")
                }
                sum = (sum.0 + row["txns"], sum.1 + row["returns"], amount, sum.3 + row["points"])
                sums[key] = sum
            }
            var hidden = 0
            let points = try periods.map { period in
                let buyers =
                    try Int.fetchOne(
                        db,
                        sql:
                            "SELECT buyers FROM stat_period WHERE merchant_id = ? AND period = ? AND dim = 'all' AND value = ''",
                        arguments: [merchant.id, period.key]) ?? 0
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
                note: hidden == 0
                    ? "A \(unit) in which fewer than \(StatisticsDimensions.smallestGroup) customers bought is never shown."
                    : "\(hidden) \(unit)(s) are not shown: fewer than \(StatisticsDimensions.smallestGroup) customers bought in them."
            )
        }
    }

    public func bestCustomers(merchant code: String?, limit: Int) async throws -> BestCustomersAnswer {
        guard (1...500).contains(limit) else { throw LoyaltyError(.badRequest, "\"limit\" is 1 to 500.") }
        return try await read { db in
            let merchant = try Self.merchant(db, code: code)
            // In the order of the amount index, so a million accounts are not sorted: a customer
            // with several accounts (a household split) is listed by the largest.
            var seen = Set<Int64>()
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.customer_id AS customer, s.last_day, s.txns, s.amount_minor AS amount
                    FROM account_stats s JOIN account a ON a.id = s.account_id
                    JOIN customer c ON c.id = a.customer_id AND c.erased_at IS NULL
                    WHERE s.merchant_id = ? ORDER BY s.amount_minor DESC, a.customer_id LIMIT ?
                    """, arguments: [merchant.id, limit * 4]
            ).filter { seen.insert($0["customer"]).inserted }.prefix(limit)
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
