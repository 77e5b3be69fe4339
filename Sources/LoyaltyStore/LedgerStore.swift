import Foundation
import LoyalgateProtocol
import LoyaltyDomain

/// What the core needs of a ledger store: one method per core op, each keeping the ledger's
/// invariants (a balance is the sum of its entries and never negative; one answer per till and
/// receipt; entries are never changed or removed) in one transaction.
///
/// `LedgerDatabase` is the SQLite store (the embedded default). A chain's PostgreSQL store fills
/// in the same protocol; the core, its tests and the client do not change.
public protocol LedgerStore: Sendable {
    func merchants() async throws -> [Merchant]

    // Till ops.
    func lookup(merchant: String?, card: String) async throws -> CardLookupAnswer
    func earn(_ request: CoreOp.TxnEarn.Parameters) async throws -> TxnAnswer
    func redeem(_ request: CoreOp.TxnRedeem.Parameters) async throws -> TxnAnswer
    func returnLines(_ request: CoreOp.TxnReturn.Parameters) async throws -> TxnAnswer
    func history(merchant: String?, card: String, limit: Int) async throws -> HistoryAnswer
    func findCustomers(merchant: String?, phone: String?, email: String?) async throws -> CustomerMatches
    func rewards(merchant: String?) async throws -> RewardsAnswer

    // Prepaid (stored value).
    func prepaidLoad(_ request: CoreOp.PrepaidLoad.Parameters) async throws -> PrepaidAnswer
    func prepaidPay(_ request: CoreOp.PrepaidPay.Parameters) async throws -> PrepaidAnswer
    func prepaidReverse(_ request: CoreOp.PrepaidReverse.Parameters) async throws -> PrepaidAnswer
    func prepaidLiability(merchant: String?) async throws -> PrepaidLiabilityAnswer
    // Stamps, vouchers, cardholder prices.
    func stampsRedeem(_ request: CoreOp.StampsRedeem.Parameters) async throws -> StampAnswer
    func voucherIssue(_ request: CoreOp.VoucherIssue.Parameters) async throws -> VoucherAnswer
    func voucherRedeem(_ request: CoreOp.VoucherRedeem.Parameters) async throws -> VoucherAnswer
    func voucherLookup(merchant: String?, code: String) async throws -> VoucherView
    func quote(_ request: CoreOp.TxnQuote.Parameters) async throws -> QuoteAnswer

    // A card's life and households.
    func activate(merchant: String?, card: String, customer: Int64?, at instant: Date) async throws -> CardStateAnswer
    func block(merchant: String?, card: String, reason: String) async throws -> CardStateAnswer
    func replace(merchant: String?, card: String, reason: String, newCard: String?) async throws -> ReplaceAnswer
    func linkPatient(merchant: String?, card: String, patientRef: String?) async throws
    func pool(merchant: String?, card: String, into: String) async throws -> HouseholdAnswer
    func split(merchant: String?, card: String, points: Int64, amount: String?) async throws -> HouseholdAnswer
    func setMembership(merchant: String?, card: String, member: Bool, at instant: Date) async throws
        -> CardLookupAnswer
    func detach(merchant: String?, card: String, at instant: Date) async throws -> CardLookupAnswer

    // Customers' personal data.
    func register(merchant: String?, details: CustomerDetails, consents: Consents, card: String?) async throws
        -> CustomerRecord
    func updateCustomer(merchant: String?, id: Int64, patch: CustomerPatch, consents: Consents?) async throws
        -> CustomerRecord
    func customer(merchant: String?, id: Int64) async throws -> CustomerRecord
    func exportCustomer(merchant: String?, id: Int64) async throws -> CustomerDataExport
    func erase(merchant: String?, id: Int64) async throws
    /// A mail's unsubscribe link (docs/mail.md): mail consent off; the customer's id.
    @discardableResult
    func unsubscribe(merchant: String?, token: String) async throws -> Int64

    // The cardholder's personal details (docs/cardholder.md).
    func requestHolderLink(merchant: String, card: String, language: String?, now: Date) async throws
    func openHolderLink(merchant: String?, link: String, now: Date) async throws -> CardholderSessionAnswer
    func holderSession(merchant: String?, session: String, now: Date) async throws -> HolderSession

    // The program's end (docs/program-end.md).
    func announceProgramEnd(merchant: String?, date: String, by: String, now: Date) async throws -> ProgramEndAnswer
    func programEnd(merchant: String?) async throws -> ProgramEndAnswer

    // The back office's dashboard and audit log.
    func summary(merchant: String?, at instant: Date) async throws -> SummaryAnswer
    func appendAudit(_ request: CoreOp.AuditAppend.Parameters) async throws -> AuditEntry
    func auditList(merchant: String?, limit: Int) async throws -> AuditAnswer
    func storeProgram(_ file: ProgramFile) async throws -> LedgerDatabase.ImportedProgram
    func programVersions(merchant: String?) async throws -> ProgramVersionsAnswer
    func exportPage(merchant: String?, kind: ExportKind, after: Int64, limit: Int) async throws -> ExportPageAnswer

    // Campaigns and prize draws (docs/campaigns-and-draws.md); `at` is now, passed in.
    func campaigns(merchant: String?, at instant: Date) async throws -> CampaignsAnswer
    func changeCampaigns(merchant: String?, _ change: LedgerDatabase.CampaignChange, at instant: Date) async throws
        -> CampaignsAnswer
    func defineDraw(_ request: CoreOp.DrawDefine.Parameters, at instant: Date) async throws -> DrawView
    func commitDraw(merchant: String?, draw: String, at instant: Date) async throws -> DrawView
    func runDraw(merchant: String?, draw: String, at instant: Date) async throws -> DrawView
    func draws(merchant: String?) async throws -> DrawListAnswer
    func drawReport(merchant: String?, draw: String) async throws -> DrawReportAnswer

    // Statistics and segments (docs/statistics.md).
    func statistics(merchant: String?, dimension: String, period: String?, at instant: Date) async throws
        -> StatisticsAnswer
    func trend(merchant: String?, unit: String, count: Int, at instant: Date) async throws -> TrendAnswer
    func bestCustomers(merchant: String?, limit: Int) async throws -> BestCustomersAnswer
    func saveSegment(merchant: String?, name: String, filter: SegmentFilter, user: String, at instant: Date)
        async throws -> SegmentView
    func segments(merchant: String?, at instant: Date) async throws -> SegmentListAnswer
    func segmentMembers(
        merchant: String?, segment: Int64?, filter: SegmentFilter?, after: Int64, limit: Int, at instant: Date
    ) async throws -> SegmentMembersAnswer
    func mailSegment(
        merchant: String?, segment: Int64, subject: String, text: String, user: String, key: String?, at instant: Date
    ) async throws -> MailingAnswer

    /// Recomputes every balance from the entries (`loyalgate core verify`).
    func verify() throws -> VerifyReport
}

extension LedgerStore {
    /// A store without the mail outbox (docs/mail.md) knows no unsubscribe tokens.
    @discardableResult
    public func unsubscribe(merchant: String?, token: String) async throws -> Int64 {
        throw LoyaltyError(.badRequest, "This store sends no mail: that unsubscribe link is not valid.")
    }
}
