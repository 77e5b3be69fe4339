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
    public func requestHolderLink(merchant: String, card: String, language: String?, now: Date) async throws {
        throw Self.unsupported("cardholder.link")
    }
    public func openHolderLink(merchant: String?, link: String, now: Date) async throws -> CardholderSessionAnswer {
        throw Self.unsupported("cardholder.open")
    }
    public func holderSession(merchant: String?, session: String, now: Date) async throws -> HolderSession {
        throw Self.unsupported("cardholder.details")
    }
    public func announceProgramEnd(merchant: String?, date: String, by: String, now: Date) async throws
        -> ProgramEndAnswer
    {
        throw Self.unsupported("program.end.announce")
    }
    /// No end can be announced on this store yet, so none is: tills and the cardholder's view
    /// carry no end date.
    public func programEnd(merchant: String?) async throws -> ProgramEndAnswer {
        ProgramEndAnswer(merchant: merchant ?? "", date: nil)
    }
    public func campaigns(merchant: String?, at instant: Date) async throws -> CampaignsAnswer {
        throw Self.unsupported("campaign.list")
    }
    public func changeCampaigns(merchant: String?, _ change: LedgerDatabase.CampaignChange, at instant: Date)
        async throws -> CampaignsAnswer
    {
        switch change {
        case .add: throw Self.unsupported("campaign.add")
        case .cancel: throw Self.unsupported("campaign.cancel")
        }
    }
    public func defineDraw(_ request: CoreOp.DrawDefine.Parameters, at instant: Date) async throws -> DrawView {
        throw Self.unsupported("draw.define")
    }
    public func commitDraw(merchant: String?, draw: String, at instant: Date) async throws -> DrawView {
        throw Self.unsupported("draw.commit")
    }
    public func runDraw(merchant: String?, draw: String, at instant: Date) async throws -> DrawView {
        throw Self.unsupported("draw.run")
    }
    public func draws(merchant: String?) async throws -> DrawListAnswer {
        throw Self.unsupported("draw.list")
    }
    public func drawReport(merchant: String?, draw: String) async throws -> DrawReportAnswer {
        throw Self.unsupported("draw.report")
    }
}
