import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain

/// Segments: saved filters over the customers who consent to mail, their members, and a mailing
/// to them (core ops `segment.*`; docs/statistics.md). A segment is evaluated when it is used,
/// on the coarse profile and the per-account rollups, never on the sealed records.
extension LedgerDatabase {
    static func checked(_ filter: SegmentFilter) throws(LoyaltyError) -> SegmentFilter {
        func refuse(_ why: String) -> LoyaltyError { LoyaltyError(.badRequest, "The segment's filter: \(why).") }
        if let brand = filter.brand, brand.isEmpty || brand.unicodeScalars.count > 100 {
            throw refuse("a brand is 1 to 100 characters")
        }
        for (name, months) in [("brandMonths", filter.brandMonths), ("lapsedMonths", filter.lapsedMonths)] {
            if let months, !(1...120).contains(months) { throw refuse("\(name) is 1 to 120") }
        }
        if let gender = filter.gender, !["female", "male", "other", "unknown"].contains(gender) {
            throw refuse("gender is female, male, other or unknown")
        }
        if let decade = filter.birthDecade, !(1850...2300).contains(decade) || decade % 10 != 0 {
            throw refuse("birthDecade is the first year of a decade, like 1980")
        }
        if let area = filter.area, area.isEmpty || area.count > 10 {
            throw refuse("area is a postcode's first characters")
        }
        if let points = filter.pointsAtLeast, !(0...Limits.balance).contains(points) {
            throw refuse("pointsAtLeast is 0 or more")
        }
        if let best = filter.best, !(1...1_000_000).contains(best) { throw refuse("best is 1 to 1,000,000") }
        return filter
    }

    /// A `segment.members` request's filter (checked) when it gives one, or a refusal.
    static func checkedMembersRequest(segment: Int64?, filter: SegmentFilter?, after: Int64, limit: Int)
        throws(LoyaltyError) -> SegmentFilter?
    {
        guard (1...5000).contains(limit), after >= 0 else {
            throw LoyaltyError(.badRequest, "\"limit\" is 1 to 5000 and \"after\" a customer from a previous page.")
        }
        guard (segment == nil) != (filter == nil) else {
            throw LoyaltyError(.badRequest, "Give either a \"segment\" or a \"filter\".")
        }
        return try filter.map { filter throws(LoyaltyError) in try Self.checked(filter) }
    }

    /// A segment's name, trimmed, or a refusal.
    static func segmentName(_ name: String) throws(LoyaltyError) -> String {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard (1...100).contains(name.unicodeScalars.count),
            !name.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        else { throw LoyaltyError(.badRequest, "A segment's name is 1 to 100 characters, without control characters.") }
        return name
    }

    /// A mailing's subject, trimmed, once the subject, text and key are found acceptable.
    static func checkedMailing(subject: String, text: String, key: String?) throws(LoyaltyError) -> String {
        if let key, !(1...64).contains(key.unicodeScalars.count) {
            throw LoyaltyError(.badRequest, "A mailing's \"key\" is 1 to 64 characters.")
        }
        let subject = subject.trimmingCharacters(in: .whitespaces)
        // A line break in a subject would end the header and start another one.
        guard (1...200).contains(subject.unicodeScalars.count),
            !subject.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        else { throw LoyaltyError(.badRequest, "A mail's subject is 1 to 200 characters on one line.") }
        guard (1...20_000).contains(text.unicodeScalars.count),
            !text.unicodeScalars.contains(where: {
                ($0.value < 0x20 && $0.value != 0x0A && $0.value != 0x0D && $0.value != 0x09)
                    || (0x7F...0x9F).contains($0.value)
            })
        else { throw LoyaltyError(.badRequest, "A mail's text is 1 to 20,000 characters, without control characters.") }
        return subject
    }

    /// The local date `months` months before `today` (the day clamped to the month's length).
    static func monthsBefore(_ today: String, months: Int) -> String {
        guard let (y, m, d) = StatisticsCalendar.parts(today) else { return today }
        let index = y * 12 + (m - 1) - months
        let year = index / 12
        let month = index % 12 + 1
        return String(
            format: "%04d-%02d-%02d", year, month,
            min(d, StatisticsCalendar.days(year, month + 1, 1) - StatisticsCalendar.days(year, month, 1)))
    }

    /// The WHERE clause (over `customer c`) and its arguments of a segment: always consent to
    /// mail and not erased, then each condition of the filter.
    static func segmentCondition(_ filter: SegmentFilter, merchant: Merchant, today: String) -> (
        String, [any DatabaseValueConvertible]
    ) {
        var sql = "c.merchant_id = ? AND c.consent_mail = 1 AND c.erased_at IS NULL"
        var arguments: [any DatabaseValueConvertible] = [merchant.id]
        // Choosing people by who they are or what they bought is profiling: it needs the
        // customer's consent to it as well (the register form's second consent). Everyone, or
        // the members, needs consent to mail only.
        if filter.usesProfiling { sql += " AND c.consent_profiling = 1" }
        // Each condition is a set of customers computed once (`c.id IN (...)`), not a
        // subquery per customer: at a million customers the difference is seconds.
        for (column, value) in [
            ("gender", filter.gender as (any DatabaseValueConvertible)?), ("birth_decade", filter.birthDecade),
            ("area", filter.area?.uppercased()),
        ] {
            guard let value else { continue }
            sql += " AND c.id IN (SELECT customer_id FROM customer_profile WHERE merchant_id = ? AND \(column) = ?)"
            arguments += [merchant.id, value]
        }
        if let points = filter.pointsAtLeast {
            sql += " AND EXISTS (SELECT 1 FROM account a WHERE a.customer_id = c.id AND a.points >= ?)"
            arguments.append(points)
        }
        if filter.members == true {
            sql += " AND EXISTS (SELECT 1 FROM account a WHERE a.customer_id = c.id AND a.member = 1)"
        }
        if let brand = filter.brand {
            sql += """
                 AND c.id IN (SELECT a.customer_id FROM segment_brand b JOIN account a ON a.id = b.account_id
                              WHERE b.merchant_id = ? AND b.brand = ? AND b.last_day >= ?)
                """
            arguments += [merchant.id, brand, monthsBefore(today, months: filter.brandMonths ?? 12)]
        }
        if let months = filter.lapsedMonths {
            sql += """
                 AND (SELECT MAX(s.last_day) FROM account a JOIN account_stats s ON s.account_id = a.id
                      WHERE a.customer_id = c.id) < ?
                """
            arguments.append(monthsBefore(today, months: months))
        }
        if let best = filter.best {
            sql += """
                 AND c.id IN (SELECT a.customer_id FROM account_stats s JOIN account a ON a.id = s.account_id
                              WHERE s.merchant_id = ? AND a.customer_id IS NOT NULL
                              GROUP BY a.customer_id ORDER BY SUM(s.amount_minor) DESC, a.customer_id LIMIT ?)
                """
            arguments += [merchant.id, best]
        }
        return (sql, arguments)
    }

    static func segmentCount(_ db: Database, _ filter: SegmentFilter, merchant: Merchant, today: String) throws -> Int {
        let (condition, arguments) = segmentCondition(filter, merchant: merchant, today: today)
        return try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM customer c WHERE \(condition)", arguments: StatementArguments(arguments)
        ) ?? 0
    }

    static func segment(_ db: Database, merchant: Merchant, id: Int64, today: String) throws -> SegmentView {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM segment WHERE id = ? AND merchant_id = ?", arguments: [id, merchant.id])
        else { throw LoyaltyError(.badRequest, "There is no segment \(id) at \(merchant.code).") }
        let filter = try JSONDecoder().decode(SegmentFilter.self, from: Data((row["filter"] as String).utf8))
        return SegmentView(
            id: id, name: row["name"], filter: filter,
            count: try segmentCount(db, filter, merchant: merchant, today: today), createdBy: row["created_by"],
            createdAt: row["created_at"])
    }

    public func saveSegment(merchant code: String?, name: String, filter: SegmentFilter, user: String, at instant: Date)
        async throws -> SegmentView
    {
        let name = try Self.segmentName(name)
        let filter = try Self.checked(filter)
        let json = String(decoding: try Self.answerEncoder.encode(filter), as: UTF8.self)
        // Every sale committed so far is rolled up before the answer (`catchUpStatistics`).
        try await catchUpStatistics()
        return try await write { db in
            let merchant = try Self.merchant(db, code: code)
            try db.execute(
                sql: """
                    INSERT INTO segment (merchant_id, name, filter, created_by, created_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (merchant_id, name) DO UPDATE SET filter = excluded.filter
                    """, arguments: [merchant.id, name, json, user, nowText()])
            let id =
                try Int64.fetchOne(
                    db, sql: "SELECT id FROM segment WHERE merchant_id = ? AND name = ?",
                    arguments: [merchant.id, name])
                ?? 0
            return try Self.segment(
                db, merchant: merchant, id: id, today: Timestamp.localDate(instant, timeZone: merchant.timeZone))
        }
    }

    public func segments(merchant code: String?, at instant: Date) async throws -> SegmentListAnswer {
        // Every sale committed so far is rolled up before the answer (`catchUpStatistics`).
        try await catchUpStatistics()
        return try await read { db in
            let merchant = try Self.merchant(db, code: code)
            let today = Timestamp.localDate(instant, timeZone: merchant.timeZone)
            return SegmentListAnswer(
                segments: try Int64.fetchAll(
                    db, sql: "SELECT id FROM segment WHERE merchant_id = ? ORDER BY name", arguments: [merchant.id]
                ).map { try Self.segment(db, merchant: merchant, id: $0, today: today) })
        }
    }

    public func segmentMembers(
        merchant code: String?, segment: Int64?, filter: SegmentFilter?, after: Int64, limit: Int, at instant: Date
    ) async throws -> SegmentMembersAnswer {
        let given = try Self.checkedMembersRequest(segment: segment, filter: filter, after: after, limit: limit)
        // Every sale committed so far is rolled up before the answer (`catchUpStatistics`).
        try await catchUpStatistics()
        return try await read { db in
            let merchant = try Self.merchant(db, code: code)
            let today = Timestamp.localDate(instant, timeZone: merchant.timeZone)
            let filter = try given ?? Self.segment(db, merchant: merchant, id: segment ?? 0, today: today).filter
            let (condition, arguments) = Self.segmentCondition(filter, merchant: merchant, today: today)
            let ids = try Int64.fetchAll(
                db, sql: "SELECT c.id FROM customer c WHERE \(condition) AND c.id > ? ORDER BY c.id LIMIT ?",
                arguments: StatementArguments(arguments + [after, limit]))
            let members = try ids.map { id in
                let record = try self.record(db, merchant: merchant, id: id)
                return SegmentMembersAnswer.Member(
                    customer: id, name: record.details?.name ?? "", email: record.details?.email,
                    card: record.cards.first?.number)
            }
            return SegmentMembersAnswer(
                count: try Self.segmentCount(db, filter, merchant: merchant, today: today), members: members,
                next: ids.count == limit ? ids.last : nil)
        }
    }

    /// Records the mailing and one outbox row per customer of the segment who has an address,
    /// keyed `mailing:MAILING:CUSTOMER`: a mail run sends each exactly once.
    public func mailSegment(
        merchant code: String?, segment: Int64, subject: String, text: String, user: String, key: String? = nil,
        at instant: Date
    ) async throws -> MailingAnswer {
        let subject = try Self.checkedMailing(subject: subject, text: text, key: key)
        // Every sale committed so far is rolled up before the answer (`catchUpStatistics`).
        try await catchUpStatistics()
        return try await write { db in
            let merchant = try Self.merchant(db, code: code)
            let today = Timestamp.localDate(instant, timeZone: merchant.timeZone)
            if let key,
                let earlier = try Row.fetchOne(
                    db, sql: "SELECT id, recipients FROM mailing WHERE merchant_id = ? AND request_key = ?",
                    arguments: [merchant.id, key])
            {
                return MailingAnswer(mailing: earlier["id"], recipients: earlier["recipients"])
            }
            let view = try Self.segment(db, merchant: merchant, id: segment, today: today)
            let (condition, arguments) = Self.segmentCondition(view.filter, merchant: merchant, today: today)
            try db.execute(
                sql: """
                    INSERT INTO mailing (merchant_id, segment_id, subject, body, recipients, created_by, created_at, request_key)
                    VALUES (?, ?, ?, ?, 0, ?, ?, ?)
                    """, arguments: [merchant.id, segment, subject, text, user, nowText(), key])
            let mailing = db.lastInsertedRowID
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO mail_outbox (merchant_id, customer_id, kind, idempotency_key, state, next_attempt_at,
                                                       created_at, mailing_id)
                    SELECT c.merchant_id, c.id, 'segment', 'mailing:' || ? || ':' || c.id, 'queued', ?, ?, ?
                    FROM customer c WHERE \(condition) AND c.email_hash IS NOT NULL ORDER BY c.id
                    """, arguments: StatementArguments([mailing, nowText(), nowText(), mailing] + arguments))
            let recipients = db.changesCount
            try db.execute(sql: "UPDATE mailing SET recipients = ? WHERE id = ?", arguments: [recipients, mailing])
            return MailingAnswer(mailing: mailing, recipients: recipients)
        }
    }

    /// A mailing's subject and text, for rendering its mails.
    func mailingText(_ db: Database, id: Int64) throws -> MailingText? {
        try Row.fetchOne(db, sql: "SELECT subject, body FROM mailing WHERE id = ?", arguments: [id]).map {
            MailingText(subject: $0["subject"], text: $0["body"])
        }
    }
}

/// What the staff wrote for a mailing to a segment.
public struct MailingText: Sendable, Hashable {
    public var subject: String
    public var text: String

    public init(subject: String, text: String) {
        self.subject = subject
        self.text = text
    }
}
