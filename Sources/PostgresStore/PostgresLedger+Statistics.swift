import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PersonalData
import PostgresNIO

/// Statistics on PostgreSQL (core ops `report.statistics`, `report.trend`,
/// `report.best-customers`; docs/statistics.md), with the SQLite store's rollups, counted by
/// the same code (`LedgerRules.StatisticsStep`) and hidden by the same rules.
///
/// Several cores share one database, so the roll-up is organised around two advisory locks:
/// - every earn or return holds `salesInFlightLock` shared from the insert of its ledger entry
///   to its commit (`post`); a roll-up takes it exclusively for an instant to read its horizon,
///   the highest entry id then. No sale is between taking its id and committing at that
///   instant, so every sale at or below the horizon is committed (or rolled back) and visible:
///   the watermark can pass it without skipping a sale still in flight. Entry ids come from a
///   sequence shared by all cores, and commit order is not id order, so without this a sale
///   committed late below a watermark would never be counted.
/// - the roll-up's steps each take `rollUpLock` (`pg_try_advisory_xact_lock`, or wait for the
///   core that holds it) and then read the watermark (`meta`, the same key as SQLite's), roll up
///   the sales past it up to the horizon, and move it, in one transaction: two cores never roll
///   up the same sale, and a core that dies mid-step leaves rollups and watermark as they were.
extension PostgresLedger {
    static let salesInFlightLock: Int64 = 7_316_011
    static let rollUpLock: Int64 = 7_316_012

    // MARK: The coarse profile beside the sealed record

    /// Writes (or, for nil details, removes) the customer's coarse profile, in the transaction
    /// that writes the sealed record (as `LedgerDatabase.writeProfile`).
    func writeProfile(_ connection: PostgresConnection, merchantID: Int64, customer: Int64, details: CustomerDetails?)
        async throws
    {
        guard let details else {
            try await connection.run("DELETE FROM customer_profile WHERE customer_id = \(customer)", logger: logger)
            return
        }
        let decade = StatisticsDimensions.birthDecade(details.birthDate).map(Int64.init)
        try await connection.run(
            """
            INSERT INTO customer_profile (customer_id, merchant_id, gender, birth_decade, area)
            VALUES (\(customer), \(merchantID), \(StatisticsDimensions.gender(details.gender)), \(decade),
                    \(StatisticsDimensions.area(details.postcode)))
            ON CONFLICT (customer_id) DO UPDATE SET gender = excluded.gender, birth_decade = excluded.birth_decade,
                area = excluded.area
            """, logger: logger)
    }

    /// Fills the profiles of the customers a database held before `pg5-statistics-segments`,
    /// once (marked in `meta` as on SQLite; a migrated shop brings its mark and profiles along).
    /// Needs the personal-data key; a core without it leaves the filling to one that has it.
    func fillProfiles() async throws {
        let filled = try await read { connection in
            try await connection.row("SELECT 1 AS one FROM meta WHERE key = 'statistics-backfill'", logger: self.logger)
                != nil
        }
        guard !filled, let cipher = try? keys.cipher else { return }
        try await transaction { connection in
            try await connection.run("SELECT pg_advisory_xact_lock(\(Self.rollUpLock))", logger: self.logger)
            guard
                try await connection.row(
                    "SELECT 1 AS one FROM meta WHERE key = 'statistics-backfill'", logger: self.logger) == nil
            else { return }
            for merchant in try await connection.rows("SELECT * FROM merchant", logger: self.logger).map(
                Self.merchant)
            {
                for row in try await connection.rows(
                    """
                    SELECT id, sealed FROM customer WHERE merchant_id = \(merchant.id) AND sealed IS NOT NULL
                      AND id NOT IN (SELECT customer_id FROM customer_profile)
                    """, logger: self.logger)
                {
                    guard let sealed = try row.bytes("sealed") else { continue }
                    let details = try JSONDecoder().decode(
                        CustomerDetails.self, from: try cipher.open(sealed, context: self.sealingContext(merchant)))
                    try await self.writeProfile(
                        connection, merchantID: merchant.id, customer: try row.int("id"), details: details)
                }
            }
            try await connection.run(
                "INSERT INTO meta (key, value) VALUES ('statistics-backfill', \(Timestamp.format(Date())))",
                logger: self.logger)
        }
    }

    // MARK: Rollups

    func rolledUpMark(_ connection: PostgresConnection) async throws -> Int64 {
        let text = try await connection.row(
            "SELECT value FROM meta WHERE key = \(LedgerRules.statisticsRolledUpKey)", logger: logger)?.text("value")
        return text.flatMap { Int64($0) } ?? 0
    }

    /// Rolls up every sale committed so far before a report or segment answers (as the SQLite
    /// store's `catchUpStatistics`). Nothing is written when the rollups are up to date.
    func catchUpStatistics() async throws {
        try await fillProfiles()
        let pending = try await read { connection in
            let mark = try await self.rolledUpMark(connection)
            return try await connection.row(
                """
                SELECT EXISTS (SELECT 1 FROM ledger_entry WHERE id > \(mark) AND kind IN ('earn', 'return')) AS pending
                """, logger: self.logger)?["pending"].decode(Bool.self) ?? false
        }
        guard pending else { return }
        do {
            let horizon = try await rollUpHorizon()
            while try await rollUpStep(upTo: horizon) {}
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "22003" {
            // numeric_value_out_of_range: a BIGINT sum would pass 2^63 - 1.
            throw LedgerRules.statisticsOverflow
        }
    }

    /// The highest ledger entry id at an instant when no earn or return is between taking its
    /// id and committing: every sale at or below it is settled.
    func rollUpHorizon() async throws -> Int64 {
        try await transaction { connection in
            try await connection.run("SELECT pg_advisory_xact_lock(\(Self.salesInFlightLock))", logger: self.logger)
            return try await connection.row("SELECT COALESCE(MAX(id), 0) AS id FROM ledger_entry", logger: self.logger)!
                .int("id")
        }
    }

    /// One step: the sales past the watermark up to `horizon` (at most
    /// `LedgerRules.statisticsRollUpStep`) added to the rollups and the watermark moved past
    /// them, in one transaction under `rollUpLock`. Returns whether more remain.
    func rollUpStep(upTo horizon: Int64) async throws -> Bool {
        let limit = LedgerRules.statisticsRollUpStep
        return try await transaction { connection in
            let free =
                try await connection.row(
                    "SELECT pg_try_advisory_xact_lock(\(Self.rollUpLock)) AS free", logger: self.logger)?["free"]
                .decode(Bool.self) ?? false
            if !free {
                // Another core is rolling up: wait for its step to commit, then go on from the
                // watermark it left (read below, after the lock).
                try await connection.run("SELECT pg_advisory_xact_lock(\(Self.rollUpLock))", logger: self.logger)
            }
            let mark = try await self.rolledUpMark(connection)
            let rows = try await connection.rows(
                """
                SELECT e.id, e.merchant_id, e.points, t.kind, t.till, t.account_id, t.lines, t.at, a.customer_id
                FROM ledger_entry e JOIN till_txn t ON t.id = e.txn_id JOIN account a ON a.id = t.account_id
                WHERE e.id > \(mark) AND e.id <= \(horizon) AND e.kind IN ('earn', 'return') ORDER BY e.id
                LIMIT \(Int64(limit))
                """, logger: self.logger)
            guard let last = rows.last else { return false }
            var step = LedgerRules.StatisticsStep()
            var merchants: [Int64: Merchant] = [:]
            // The customers' profiles as they stand at the roll-up (as on SQLite), in one query.
            var profiles: [Int64: (String, String, String)] = [:]
            let customers = Array(Set(try rows.compactMap { try $0.optionalInt("customer_id") }))
            if !customers.isEmpty {
                for found in try await connection.rows(
                    """
                    SELECT customer_id, gender, birth_decade, area FROM customer_profile
                    WHERE customer_id = ANY(\(customers)::bigint[])
                    """, logger: self.logger)
                {
                    profiles[try found.int("customer_id")] = (
                        try found.text("gender"), try found.optionalInt("birth_decade").map { String($0) } ?? "unknown",
                        try found.text("area")
                    )
                }
            }
            var rules: [Int64: MarketingRule] = [:]
            let decoder = JSONDecoder()
            for row in rows {
                guard let text = try row.optionalText("lines"), let at = Timestamp.parse(try row.text("at")) else {
                    continue
                }
                let merchantID = try row.int("merchant_id")
                let merchant: Merchant
                if let known = merchants[merchantID] {
                    merchant = known
                } else {
                    guard
                        let found = try await connection.row(
                            "SELECT * FROM merchant WHERE id = \(merchantID)", logger: self.logger)
                    else { continue }
                    merchant = try Self.merchant(found)
                    merchants[merchantID] = merchant
                }
                // `unknown` for an anonymous card or a customer without a profile.
                let profile =
                    try row.optionalInt("customer_id").flatMap { profiles[$0] } ?? ("unknown", "unknown", "unknown")
                // The merchant's current rule, as on SQLite (docs/statistics.md).
                let marketing: MarketingRule
                if let known = rules[merchantID] {
                    marketing = known
                } else {
                    marketing =
                        try await self.currentProgram(connection, merchant: merchant).rules.program.marketing
                        ?? MarketingRule()
                    rules[merchantID] = marketing
                }
                try step.add(
                    merchant: merchant.id, kind: try row.text("kind"), account: try row.int("account_id"),
                    lines: try decoder.decode([SaleLine].self, from: Data(text.utf8)),
                    day: Timestamp.localDate(at, timeZone: merchant.timeZone),
                    shop: StatisticsDimensions.shop(till: try row.text("till")), points: try row.int("points"),
                    profile: profile, marketing: marketing)
            }
            try await self.apply(step, connection)
            try await connection.run(
                """
                INSERT INTO meta (key, value) VALUES (\(LedgerRules.statisticsRolledUpKey), \(String(try last.int("id"))))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """, logger: self.logger)
            return rows.count == limit
        }
    }

    /// Writes a step's figures, one statement per table (arrays unnested): PostgreSQL raises
    /// on a BIGINT sum that overflows, and the whole step rolls back.
    func apply(_ step: LedgerRules.StatisticsStep, _ connection: PostgresConnection) async throws {
        let sales = step.sales
        if !sales.isEmpty {
            try await connection.run(
                """
                INSERT INTO stat_sales (merchant_id, day, dim, value, txns, returns, amount_minor, points)
                SELECT * FROM unnest(\(sales.map(\.merchant))::bigint[], \(sales.map(\.day))::text[],
                                     \(sales.map(\.dim))::text[], \(sales.map(\.value))::text[],
                                     \(sales.map(\.txns))::bigint[], \(sales.map(\.returns))::bigint[],
                                     \(sales.map(\.amount))::bigint[], \(sales.map(\.points))::bigint[])
                ON CONFLICT (merchant_id, dim, day, value) DO UPDATE SET txns = stat_sales.txns + excluded.txns,
                    returns = stat_sales.returns + excluded.returns,
                    amount_minor = stat_sales.amount_minor + excluded.amount_minor,
                    points = stat_sales.points + excluded.points
                """, logger: logger)
        }
        let buyers = step.buyers
        var new: [LedgerRules.StatisticsStep.Buyer] = []
        if !buyers.isEmpty {
            for row in try await connection.rows(
                """
                INSERT INTO stat_buyer (merchant_id, period, dim, value, account_id)
                SELECT * FROM unnest(\(buyers.map(\.merchant))::bigint[], \(buyers.map(\.period))::text[],
                                     \(buyers.map(\.dim))::text[], \(buyers.map(\.value))::text[],
                                     \(buyers.map(\.account))::bigint[])
                ON CONFLICT DO NOTHING
                RETURNING merchant_id, period, dim, value, account_id
                """, logger: logger)
            {
                new.append(
                    .init(
                        merchant: try row.int("merchant_id"), period: try row.text("period"), dim: try row.text("dim"),
                        value: try row.text("value"), account: try row.int("account_id")))
            }
        }
        let periods = try step.periodCounts(new: new)
        if !periods.isEmpty {
            try await connection.run(
                """
                INSERT INTO stat_period (merchant_id, period, dim, value, buyers)
                SELECT * FROM unnest(\(periods.map(\.merchant))::bigint[], \(periods.map(\.period))::text[],
                                     \(periods.map(\.dim))::text[], \(periods.map(\.value))::text[],
                                     \(periods.map(\.buyers))::bigint[])
                ON CONFLICT (merchant_id, period, dim, value) DO UPDATE SET buyers = stat_period.buyers + excluded.buyers
                """, logger: logger)
        }
        let accounts = step.accounts
        let taken = accounts.filter { $0.takenFirst != 0 }
        if !taken.isEmpty {
            // No row yet: the return lowers nothing, as it would have on its own.
            try await connection.run(
                """
                UPDATE account_stats s SET amount_minor = s.amount_minor - t.taken
                FROM unnest(\(taken.map(\.account))::bigint[], \(taken.map(\.takenFirst))::bigint[]) AS t(account, taken)
                WHERE s.account_id = t.account
                """, logger: logger)
        }
        let bought = accounts.filter(\.earned)
        if !bought.isEmpty {
            try await connection.run(
                """
                INSERT INTO account_stats (account_id, merchant_id, first_day, last_day, txns, amount_minor)
                SELECT * FROM unnest(\(bought.map(\.account))::bigint[], \(bought.map(\.merchant))::bigint[],
                                     \(bought.map(\.firstDay))::text[], \(bought.map(\.lastDay))::text[],
                                     \(bought.map(\.txns))::bigint[], \(bought.map(\.amount))::bigint[])
                ON CONFLICT (account_id) DO UPDATE SET first_day = LEAST(account_stats.first_day, excluded.first_day),
                    last_day = GREATEST(account_stats.last_day, excluded.last_day),
                    txns = account_stats.txns + excluded.txns,
                    amount_minor = account_stats.amount_minor + excluded.amount_minor
                """, logger: logger)
        }
        let brands = step.brands
        if !brands.isEmpty {
            try await connection.run(
                """
                INSERT INTO segment_brand (merchant_id, brand, account_id, last_day)
                SELECT * FROM unnest(\(brands.map(\.merchant))::bigint[], \(brands.map(\.brand))::text[],
                                     \(brands.map(\.account))::bigint[], \(brands.map(\.lastDay))::text[])
                ON CONFLICT (merchant_id, brand, account_id) DO UPDATE
                    SET last_day = GREATEST(segment_brand.last_day, excluded.last_day)
                """, logger: logger)
        }
    }

    // MARK: Reports

    public func statistics(merchant code: String?, dimension: String, period: String?, at instant: Date) async throws
        -> StatisticsAnswer
    {
        try LedgerRules.checkStatisticsDimension(dimension)
        try await catchUpStatistics()
        return try await reading { connection in
            let merchant = try await self.merchant(connection, code: code)
            let (period, year) = try LedgerRules.statisticsPeriod(period, merchant: merchant, at: instant)
            let money = { (minor: Int64) in Money(minorUnits: minor, currency: merchant.currency).decimalString }
            var rows: LedgerRules.StatisticsFigures = [:]
            var hiddenByMonth = 0
            switch dimension {
            case "points", "discount":
                // Banded in SQL: a million accounts are counted, not fetched.
                let band = LedgerRules.balanceBands(points: dimension == "points", currency: merchant.currency)
                for row in try await connection.rows(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT \(band) AS band, COUNT(*) AS n
                            FROM account WHERE merchant_id = $1 AND customer_id IS NOT NULL GROUP BY band
                            """, binds: Self.bindings([merchant.id])), logger: self.logger)
                {
                    rows[try row.text("band"), default: (nil, nil, nil)].customers = Int(try row.int("n"))
                }
            default:
                if let column = LedgerRules.profileColumn(dimension) {
                    for row in try await connection.rows(
                        PostgresQuery(
                            unsafeSQL: """
                                SELECT COALESCE(CAST(\(column) AS TEXT), '') AS v, COUNT(*) AS n FROM customer_profile
                                WHERE merchant_id = $1 GROUP BY \(column)
                                """, binds: Self.bindings([merchant.id])), logger: self.logger)
                    {
                        let text = try row.text("v")
                        rows[text.isEmpty ? "unknown" : text, default: (nil, nil, nil)].customers = Int(
                            try row.int("n"))
                    }
                }
                for row in try await connection.rows(
                    """
                    SELECT value, buyers FROM stat_period
                    WHERE merchant_id = \(merchant.id) AND period = \(period) AND dim = \(dimension)
                    """, logger: self.logger)
                {
                    rows[try row.text("value"), default: (nil, nil, nil)].buyers = Int(try row.int("buyers"))
                }
                if period.count == 4 {
                    hiddenByMonth = LedgerRules.hideYear(
                        &rows,
                        smallInAMonth: try await connection.rows(
                            """
                            SELECT DISTINCT value FROM stat_period
                            WHERE merchant_id = \(merchant.id) AND dim = \(dimension)
                              AND buyers BETWEEN 1 AND \(Int64(StatisticsDimensions.smallestGroup - 1))
                              AND period = ANY(\(LedgerRules.months(ofYear: period))::text[])
                            """, logger: self.logger
                        ).map { try $0.text("value") })
                }
                let (from, to) = LedgerRules.days(of: period)
                // SUM of BIGINT is NUMERIC: cast back, which raises past 2^63 - 1 (a clear error below).
                for row in try await connection.rows(
                    """
                    SELECT value, SUM(txns)::bigint AS txns, SUM(returns)::bigint AS returns,
                           SUM(amount_minor)::bigint AS amount, SUM(points)::bigint AS points
                    FROM stat_sales WHERE merchant_id = \(merchant.id) AND dim = \(dimension)
                      AND day >= \(from) AND day <= \(to)
                    GROUP BY value
                    """, logger: self.logger)
                {
                    rows[try row.text("value"), default: (nil, nil, nil)].sales = StatisticsAnswer.Sales(
                        receipts: try row.int("txns"), returns: try row.int("returns"),
                        amount: money(try row.int("amount")), points: try row.int("points"))
                }
            }
            return LedgerRules.statisticsAnswer(
                merchant: merchant, dimension: dimension, period: period, year: year, rows: rows,
                hiddenByMonth: hiddenByMonth)
        }
    }

    public func trend(merchant code: String?, unit: String, count: Int, at instant: Date) async throws -> TrendAnswer {
        try LedgerRules.checkTrend(unit: unit, count: count)
        try await catchUpStatistics()
        return try await reading { connection in
            let merchant = try await self.merchant(connection, code: code)
            let today = Timestamp.localDate(instant, timeZone: merchant.timeZone)
            let periods = LedgerRules.trendPeriods(unit: unit, count: count, today: today)
            guard let first = periods.first else {
                return try LedgerRules.trendAnswer(merchant: merchant, unit: unit, periods: [], days: [], buyers: [:])
            }
            let days = try await connection.rows(
                """
                SELECT day, txns, returns, amount_minor, points FROM stat_sales
                WHERE merchant_id = \(merchant.id) AND dim = 'all' AND value = '' AND day >= \(first.from)
                  AND day <= \(today)
                """, logger: self.logger
            ).map { row in
                (
                    day: try row.text("day"), txns: try row.int("txns"), returns: try row.int("returns"),
                    amount: try row.int("amount_minor"), points: try row.int("points")
                )
            }
            var buyers: [String: Int] = [:]
            for row in try await connection.rows(
                """
                SELECT period, buyers FROM stat_period
                WHERE merchant_id = \(merchant.id) AND dim = 'all' AND value = '' AND period = ANY(\(periods.map(\.key))::text[])
                """, logger: self.logger)
            {
                buyers[try row.text("period")] = Int(try row.int("buyers"))
            }
            return try LedgerRules.trendAnswer(
                merchant: merchant, unit: unit, periods: periods, days: days, buyers: buyers)
        }
    }

    public func bestCustomers(merchant code: String?, limit: Int) async throws -> BestCustomersAnswer {
        guard (1...500).contains(limit) else { throw LoyaltyError(.badRequest, "\"limit\" is 1 to 500.") }
        try await catchUpStatistics()
        return try await reading { connection in
            let merchant = try await self.merchant(connection, code: code)
            // Only customers who consented to profiling (as on SQLite); a customer with several
            // accounts (a household split) is listed by the largest.
            var seen = Set<Int64>()
            let rows = try await connection.rows(
                """
                SELECT a.customer_id AS customer, s.last_day, s.txns, s.amount_minor AS amount
                FROM account_stats s JOIN account a ON a.id = s.account_id
                JOIN customer c ON c.id = a.customer_id AND c.erased_at IS NULL AND c.consent_profiling = 1
                WHERE s.merchant_id = \(merchant.id) ORDER BY s.amount_minor DESC, a.customer_id
                LIMIT \(Int64(limit * 4))
                """, logger: self.logger
            ).filter { seen.insert(try $0.int("customer")).inserted }.prefix(limit)
            var customers: [BestCustomersAnswer.Customer] = []
            for row in rows {
                let record = try await self.record(
                    connection, merchant: merchant, id: try row.int("customer"), cipher: try self.keys.cipher)
                customers.append(
                    BestCustomersAnswer.Customer(
                        customer: try row.int("customer"), displayName: record.displayName ?? "",
                        lastPurchase: try row.text("last_day"), receipts: try row.int("txns"),
                        amount: Money(minorUnits: try row.int("amount"), currency: merchant.currency).decimalString))
            }
            return BestCustomersAnswer(merchant: merchant.code, currency: merchant.currency.code, customers: customers)
        }
    }

    /// A read whose sums PostgreSQL found past 2^63 - 1 fails with the statistics' clear error.
    func reading<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await read(body)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "22003" {
            throw LedgerRules.statisticsOverflow
        }
    }

    // MARK: SQL shared with the SQLite store

    /// Values for `PostgresQuery(unsafeSQL:binds:)`, from the SQLite store's SQL arguments.
    static func bindings(_ values: [any DatabaseValueConvertible]) throws -> PostgresBindings {
        var bindings = PostgresBindings()
        for value in values {
            switch value {
            case let value as Int64: bindings.append(value)
            case let value as Int: bindings.append(Int64(value))
            case let value as String: bindings.append(value)
            default: throw LoyaltyError(.internalError, "An SQL argument of type \(type(of: value)) cannot be bound.")
            }
        }
        return bindings
    }

    /// The SQLite store's `?` placeholders numbered for PostgreSQL (`$1`, `$2`, ...): the SQL
    /// shared between the stores has no `?` anywhere else.
    static func numbered(_ sql: String) -> String {
        var result = ""
        var next = 0
        for character in sql {
            if character == "?" {
                next += 1
                result += "$\(next)"
            } else {
                result.append(character)
            }
        }
        return result
    }
}
