import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

// The ops the PostgreSQL store does not do yet: each refuses with a sentence that says so
// (`unknown-op`), never a half-done write. docs/chain.md lists them.
extension PostgresLedger {
    public func statistics(merchant: String?, dimension: String, period: String?, at instant: Date) async throws
        -> StatisticsAnswer
    {
        throw Self.unsupported("report.statistics")
    }
    public func trend(merchant: String?, unit: String, count: Int, at instant: Date) async throws -> TrendAnswer {
        throw Self.unsupported("report.trend")
    }
    public func bestCustomers(merchant: String?, limit: Int) async throws -> BestCustomersAnswer {
        throw Self.unsupported("report.best-customers")
    }
    public func saveSegment(merchant: String?, name: String, filter: SegmentFilter, user: String, at instant: Date)
        async throws -> SegmentView
    {
        throw Self.unsupported("segment.save")
    }
    public func segments(merchant: String?, at instant: Date) async throws -> SegmentListAnswer {
        throw Self.unsupported("segment.list")
    }
    public func segmentMembers(
        merchant: String?, segment: Int64?, filter: SegmentFilter?, after: Int64, limit: Int, at instant: Date
    ) async throws -> SegmentMembersAnswer {
        throw Self.unsupported("segment.members")
    }
    public func mailSegment(
        merchant: String?, segment: Int64, subject: String, text: String, user: String, key: String?, at instant: Date
    ) async throws -> MailingAnswer {
        throw Self.unsupported("segment.mail")
    }
}
