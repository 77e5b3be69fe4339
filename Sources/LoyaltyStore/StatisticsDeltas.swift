import GRDB
import LoyalgateProtocol
import LoyaltyDomain

/// What a batch of sales adds to the statistics' rollups, merged per key in memory so each
/// row is written once per roll-up step (`LedgerDatabase.rollUpStatistics`) instead of once per
/// sale. `add` is the one place that says what a sale or return counts for; applying the
/// deltas of many sales in one step gives the same rows as applying them one by one.
struct StatisticsDeltas {
    struct SalesKey: Hashable {
        var merchant: Int64
        var day: String
        var dim: String
        var value: String
    }

    struct Sales {
        var txns: Int64 = 0
        var returns: Int64 = 0
        var amount: Int64 = 0
        var points: Int64 = 0
    }

    struct BuyerKey: Hashable {
        var merchant: Int64
        var period: String
        var dim: String
        var value: String
        var account: Int64
    }

    struct PeriodKey: Hashable {
        var merchant: Int64
        var period: String
        var dim: String
        var value: String
    }

    /// An account's recency, frequency and amount. `takenFirst` is what returns took back
    /// before the step's first earn of the account: like a return on its own, it only lowers an
    /// existing row (a return is not a purchase, so it never creates one).
    struct Account {
        var merchant: Int64
        var takenFirst: Int64 = 0
        var earned = false
        var firstDay = ""
        var lastDay = ""
        var txns: Int64 = 0
        var amount: Int64 = 0
    }

    struct BrandKey: Hashable {
        var merchant: Int64
        var brand: String
        var account: Int64
    }

    var sales: [SalesKey: Sales] = [:]
    /// Each (period, dimension value, account) once; the value lists the demographic groups
    /// that count the same buyer (the whole-shop row of a month or year carries them).
    var buyers: [BuyerKey: [(String, String)]] = [:]
    var accounts: [Int64: Account] = [:]
    var brands: [BrandKey: String] = [:]

    /// `a + b`, or a clear error instead of a wrapped or trapped sum.
    static func sum(_ a: Int64, _ b: Int64) throws -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else {
            throw LoyaltyError(.internalError, "The statistics add up past what the ledger can count.")
        }
        return sum
    }

    /// One earn or return. The dimension values are the customer's profile (`unknown` for an
    /// anonymous card); an amount is the sum of the lines as the till sent them.
    mutating func add(
        merchant: Int64, kind: String, account: Int64, lines: [SaleLine], day: String, shop: String, points: Int64,
        profile: (gender: String, decade: String, area: String), marketing: MarketingRule
    ) throws {
        guard kind == "earn" || kind == "return" else { return }
        let earn = kind == "earn"
        let month = String(day.prefix(7))
        let year = String(day.prefix(4))
        let week = StatisticsCalendar.isoWeek(day) ?? year
        var total: Int64 = 0
        var marketingTotal: Int64 = 0
        var marketingLines = 0
        var byBrand: [String: Int64] = [:]
        var byCategory: [String: Int64] = [:]
        for line in lines {
            let amount = line.amount.minorUnits
            total = try Self.sum(total, amount)
            byBrand[line.brand ?? "(none)"] = try Self.sum(byBrand[line.brand ?? "(none)"] ?? 0, amount)
            byCategory[line.category ?? "(none)"] = try Self.sum(byCategory[line.category ?? "(none)"] ?? 0, amount)
            if !marketing.excludes(category: line.category) {
                marketingTotal = try Self.sum(marketingTotal, amount)
                marketingLines += 1
            }
        }
        let whole = [
            ("all", ""), ("gender", profile.gender), ("age", profile.decade), ("area", profile.area), ("shop", shop),
        ]
        for (dim, value) in whole {
            try addSale(
                SalesKey(merchant: merchant, day: day, dim: dim, value: value), earn: earn, amount: total,
                points: points)
        }
        for (dim, amounts) in [("brand", byBrand), ("category", byCategory)] {
            for (value, amount) in amounts {
                try addSale(
                    SalesKey(merchant: merchant, day: day, dim: dim, value: value), earn: earn, amount: amount,
                    points: 0)
            }
        }
        guard earn else {
            // A return takes money back from the rollups; it makes nobody a buyer, and the
            // account's marketing figures keep the sale (a return is not a lapse).
            if marketingLines > 0 {
                var figures = accounts[account] ?? Account(merchant: merchant)
                if figures.earned {
                    figures.amount = try Self.sum(figures.amount, -marketingTotal)
                } else {
                    figures.takenFirst = try Self.sum(figures.takenFirst, marketingTotal)
                }
                accounts[account] = figures
            }
            return
        }
        // Distinct buyers: an account counts once per period and dimension value.
        var keyed: [(String, String)] = [("all", ""), ("shop", shop)]
        keyed += byBrand.keys.map { ("brand", $0) }
        keyed += byCategory.keys.map { ("category", $0) }
        for period in [month, year] {
            for (dim, value) in keyed {
                let key = BuyerKey(merchant: merchant, period: period, dim: dim, value: value, account: account)
                if buyers[key] == nil {
                    // The demographic groups count a buyer with the whole-shop row.
                    buyers[key] =
                        dim == "all"
                        ? [("gender", profile.gender), ("age", profile.decade), ("area", profile.area)] : []
                }
            }
        }
        let weekly = BuyerKey(merchant: merchant, period: week, dim: "all", value: "", account: account)
        if buyers[weekly] == nil { buyers[weekly] = [] }
        // Per-account figures for best customers and segments: never a line of medicine at a
        // pharmacy (health data), unless the program allows it.
        guard marketingLines > 0 else { return }
        var figures = accounts[account] ?? Account(merchant: merchant)
        if figures.earned {
            figures.firstDay = min(figures.firstDay, day)
            figures.lastDay = max(figures.lastDay, day)
            figures.txns = try Self.sum(figures.txns, 1)
            figures.amount = try Self.sum(figures.amount, marketingTotal)
        } else {
            figures.earned = true
            figures.firstDay = day
            figures.lastDay = day
            figures.txns = 1
            figures.amount = marketingTotal
        }
        accounts[account] = figures
        for name in Set(lines.filter { !marketing.excludes(category: $0.category) }.compactMap(\.brand)) {
            let key = BrandKey(merchant: merchant, brand: name, account: account)
            brands[key] = max(brands[key] ?? day, day)
        }
    }

    /// What the buyers first seen in this step (`new`: those whose `stat_buyer` row did not
    /// exist yet) add to each period's count of distinct buyers: a buyer of the whole shop
    /// counts in its demographic groups too.
    func periodCounts(new: some Sequence<BuyerKey>) throws -> [PeriodKey: Int64] {
        var counts: [PeriodKey: Int64] = [:]
        for key in new {
            for (dim, value) in [(key.dim, key.value)] + (buyers[key] ?? []) {
                let period = PeriodKey(merchant: key.merchant, period: key.period, dim: dim, value: value)
                counts[period] = try Self.sum(counts[period] ?? 0, 1)
            }
        }
        return counts
    }

    private mutating func addSale(_ key: SalesKey, earn: Bool, amount: Int64, points: Int64) throws {
        var figures = sales[key] ?? Sales()
        if earn {
            figures.txns = try Self.sum(figures.txns, 1)
            figures.amount = try Self.sum(figures.amount, amount)
        } else {
            figures.returns = try Self.sum(figures.returns, 1)
            figures.amount = try Self.sum(figures.amount, -amount)
        }
        figures.points = try Self.sum(figures.points, points)
        sales[key] = figures
    }

    /// Writes the deltas, one statement per key. SQLite turns an integer sum that overflows
    /// into a floating-point number, so each upsert returns whether its sums stayed integers,
    /// and a step that would overflow is refused whole.
    func apply(_ db: Database) throws {
        let overflow = LoyaltyError(.internalError, "The statistics add up past what the ledger can count.")
        let upsertSales = try db.cachedStatement(
            sql: """
                INSERT INTO stat_sales (merchant_id, day, dim, value, txns, returns, amount_minor, points)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (merchant_id, dim, day, value) DO UPDATE SET txns = txns + excluded.txns,
                    returns = returns + excluded.returns, amount_minor = amount_minor + excluded.amount_minor,
                    points = points + excluded.points
                RETURNING typeof(txns) = 'integer' AND typeof(returns) = 'integer'
                    AND typeof(amount_minor) = 'integer' AND typeof(points) = 'integer'
                """)
        for (key, figures) in sales {
            guard
                try Bool.fetchOne(
                    upsertSales,
                    arguments: [
                        key.merchant, key.day, key.dim, key.value, figures.txns, figures.returns, figures.amount,
                        figures.points,
                    ]) == true
            else { throw overflow }
        }
        let buyer = try db.cachedStatement(
            sql:
                "INSERT OR IGNORE INTO stat_buyer (merchant_id, period, dim, value, account_id) VALUES (?, ?, ?, ?, ?)")
        var new: [BuyerKey] = []
        for key in buyers.keys {
            try buyer.execute(arguments: [key.merchant, key.period, key.dim, key.value, key.account])
            if db.changesCount == 1 { new.append(key) }
        }
        let counts = try periodCounts(new: new)
        let count = try db.cachedStatement(
            sql: """
                INSERT INTO stat_period (merchant_id, period, dim, value, buyers) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (merchant_id, period, dim, value) DO UPDATE SET buyers = buyers + excluded.buyers
                RETURNING typeof(buyers) = 'integer'
                """)
        for (key, buyers) in counts {
            guard
                try Bool.fetchOne(count, arguments: [key.merchant, key.period, key.dim, key.value, buyers]) == true
            else { throw overflow }
        }
        let taken = try db.cachedStatement(
            sql: """
                UPDATE account_stats SET amount_minor = amount_minor - ? WHERE account_id = ?
                RETURNING typeof(amount_minor) = 'integer'
                """)
        let bought = try db.cachedStatement(
            sql: """
                INSERT INTO account_stats (account_id, merchant_id, first_day, last_day, txns, amount_minor)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (account_id) DO UPDATE SET first_day = MIN(first_day, excluded.first_day),
                    last_day = MAX(last_day, excluded.last_day), txns = txns + excluded.txns,
                    amount_minor = amount_minor + excluded.amount_minor
                RETURNING typeof(txns) = 'integer' AND typeof(amount_minor) = 'integer'
                """)
        for (account, figures) in accounts {
            if figures.takenFirst != 0 {
                // No row yet: the return lowers nothing, as it would have on its own.
                guard try Bool.fetchOne(taken, arguments: [figures.takenFirst, account]) ?? true else { throw overflow }
            }
            if figures.earned {
                guard
                    try Bool.fetchOne(
                        bought,
                        arguments: [
                            account, figures.merchant, figures.firstDay, figures.lastDay, figures.txns, figures.amount,
                        ]) == true
                else { throw overflow }
            }
        }
        let brand = try db.cachedStatement(
            sql: """
                INSERT INTO segment_brand (merchant_id, brand, account_id, last_day) VALUES (?, ?, ?, ?)
                ON CONFLICT (merchant_id, brand, account_id) DO UPDATE SET last_day = MAX(last_day, excluded.last_day)
                """)
        for (key, day) in brands {
            try brand.execute(arguments: [key.merchant, key.brand, key.account, day])
        }
    }
}
