import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PostgresNIO

/// Segments on PostgreSQL (core ops `segment.*`; docs/statistics.md): the SQLite store's
/// filters, checks and SQL (`LedgerRules.segmentCondition`), so a segment selects the same
/// customers on both stores: only those who consent to mail, never by medicine unless the
/// program allows it.
extension PostgresLedger {
    /// The segment's condition as a query: `select` with the condition after WHERE, then
    /// `trailing` (with its own `?`), its values bound in order.
    func segmentQuery(
        select: String, _ filter: SegmentFilter, merchant: Merchant, today: String,
        leading: [any DatabaseValueConvertible] = [],
        trailing: String = "", _ more: [any DatabaseValueConvertible] = []
    ) throws -> PostgresQuery {
        let (condition, arguments) = LedgerRules.segmentCondition(filter, merchant: merchant, today: today)
        return PostgresQuery(
            unsafeSQL: Self.numbered(select + " WHERE " + condition + trailing),
            binds: try Self.bindings(leading + arguments + more))
    }

    func segmentCount(_ connection: PostgresConnection, _ filter: SegmentFilter, merchant: Merchant, today: String)
        async throws -> Int
    {
        let query = try segmentQuery(
            select: "SELECT COUNT(*) AS n FROM customer c", filter, merchant: merchant, today: today)
        return Int(try await connection.row(query, logger: logger)?.int("n") ?? 0)
    }

    func segmentView(_ connection: PostgresConnection, merchant: Merchant, id: Int64, today: String) async throws
        -> SegmentView
    {
        guard
            let row = try await connection.row(
                "SELECT * FROM segment WHERE id = \(id) AND merchant_id = \(merchant.id)", logger: logger)
        else { throw LoyaltyError(.badRequest, "There is no segment \(id) at \(merchant.code).") }
        let filter = try JSONDecoder().decode(SegmentFilter.self, from: Data(try row.text("filter").utf8))
        return SegmentView(
            id: id, name: try row.text("name"), filter: filter,
            count: try await segmentCount(connection, filter, merchant: merchant, today: today),
            createdBy: try row.text("created_by"), createdAt: try row.text("created_at"))
    }

    public func saveSegment(merchant code: String?, name: String, filter: SegmentFilter, user: String, at instant: Date)
        async throws -> SegmentView
    {
        let name = try LedgerRules.segmentName(name)
        let json = try LedgerRules.encoded(try LedgerRules.checkedSegment(filter))
        try await catchUpStatistics()
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            let id = try await connection.row(
                """
                INSERT INTO segment (merchant_id, name, filter, created_by, created_at)
                VALUES (\(merchant.id), \(name), \(json), \(user), \(Timestamp.format(Date())))
                ON CONFLICT (merchant_id, name) DO UPDATE SET filter = excluded.filter
                RETURNING id
                """, logger: self.logger)!.int("id")
            return try await self.segmentView(
                connection, merchant: merchant, id: id,
                today: Timestamp.localDate(instant, timeZone: merchant.timeZone))
        }
    }

    public func segments(merchant code: String?, at instant: Date) async throws -> SegmentListAnswer {
        try await catchUpStatistics()
        return try await read { connection in
            let merchant = try await self.merchant(connection, code: code)
            let today = Timestamp.localDate(instant, timeZone: merchant.timeZone)
            var segments: [SegmentView] = []
            for row in try await connection.rows(
                "SELECT id FROM segment WHERE merchant_id = \(merchant.id) ORDER BY name", logger: self.logger)
            {
                segments.append(
                    try await self.segmentView(connection, merchant: merchant, id: try row.int("id"), today: today))
            }
            return SegmentListAnswer(segments: segments)
        }
    }

    public func segmentMembers(
        merchant code: String?, segment: Int64?, filter: SegmentFilter?, after: Int64, limit: Int, at instant: Date
    ) async throws -> SegmentMembersAnswer {
        let given = try LedgerRules.checkedMembersRequest(segment: segment, filter: filter, after: after, limit: limit)
        try await catchUpStatistics()
        return try await read { connection in
            let merchant = try await self.merchant(connection, code: code)
            let today = Timestamp.localDate(instant, timeZone: merchant.timeZone)
            let filter: SegmentFilter
            if let given {
                filter = given
            } else {
                filter = try await self.segmentView(connection, merchant: merchant, id: segment ?? 0, today: today)
                    .filter
            }
            let ids = try await connection.rows(
                try self.segmentQuery(
                    select: "SELECT c.id FROM customer c", filter, merchant: merchant, today: today,
                    trailing: " AND c.id > ? ORDER BY c.id LIMIT ?", [after, limit]), logger: self.logger
            ).map { try $0.int("id") }
            var members: [SegmentMembersAnswer.Member] = []
            for id in ids {
                let record = try await self.record(connection, merchant: merchant, id: id, cipher: try self.keys.cipher)
                members.append(
                    SegmentMembersAnswer.Member(
                        customer: id, name: record.details?.name ?? "", email: record.details?.email,
                        card: record.cards.first?.number))
            }
            return SegmentMembersAnswer(
                count: try await self.segmentCount(connection, filter, merchant: merchant, today: today),
                members: members, next: ids.count == limit ? ids.last : nil)
        }
    }

    /// Records the mailing and one outbox row per customer of the segment with an address,
    /// keyed `mailing:MAILING:CUSTOMER` (as on SQLite): a mail run sends each exactly once.
    public func mailSegment(
        merchant code: String?, segment: Int64, subject: String, text: String, user: String, key: String?,
        at instant: Date
    ) async throws -> MailingAnswer {
        let subject = try LedgerRules.checkedMailing(subject: subject, text: text, key: key)
        try await catchUpStatistics()
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            let today = Timestamp.localDate(instant, timeZone: merchant.timeZone)
            if let key,
                let earlier = try await connection.row(
                    "SELECT id, recipients FROM mailing WHERE merchant_id = \(merchant.id) AND request_key = \(key)",
                    logger: self.logger)
            {
                return MailingAnswer(mailing: try earlier.int("id"), recipients: Int(try earlier.int("recipients")))
            }
            let view = try await self.segmentView(connection, merchant: merchant, id: segment, today: today)
            let now = Timestamp.format(Date())
            let mailing = try await connection.row(
                """
                INSERT INTO mailing (merchant_id, segment_id, subject, body, recipients, created_by, created_at, request_key)
                VALUES (\(merchant.id), \(segment), \(subject), \(text), 0, \(user), \(now), \(key))
                RETURNING id
                """, logger: self.logger)!.int("id")
            let recipients = try await connection.row(
                try self.segmentQuery(
                    select: """
                        WITH queued AS (
                            INSERT INTO mail_outbox (merchant_id, customer_id, kind, idempotency_key, state,
                                                     next_attempt_at, created_at, mailing_id)
                            SELECT c.merchant_id, c.id, 'segment', ? || c.id::text, 'queued', ?, ?, ?
                            FROM customer c
                        """, view.filter, merchant: merchant, today: today,
                    leading: ["mailing:\(mailing):", now, now, mailing],
                    trailing: """
                         AND c.email_hash IS NOT NULL ORDER BY c.id
                            ON CONFLICT DO NOTHING RETURNING 1
                        )
                        SELECT COUNT(*) AS n FROM queued
                        """), logger: self.logger)!.int("n")
            try await connection.run(
                "UPDATE mailing SET recipients = \(recipients) WHERE id = \(mailing)", logger: self.logger)
            return MailingAnswer(mailing: mailing, recipients: Int(recipients))
        }
    }
}
