import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

// The ops the PostgreSQL store does not do yet: each refuses with a sentence that says so
// (`unknown-op`), never a half-done write. docs/chain.md lists them.
extension PostgresLedger {
    public func stampsRedeem(_ request: CoreOp.StampsRedeem.Parameters) async throws -> StampAnswer {
        throw Self.unsupported("stamps.redeem")
    }
    public func voucherIssue(_ request: CoreOp.VoucherIssue.Parameters) async throws -> VoucherAnswer {
        throw Self.unsupported("voucher.issue")
    }
    public func voucherRedeem(_ request: CoreOp.VoucherRedeem.Parameters) async throws -> VoucherAnswer {
        throw Self.unsupported("voucher.redeem")
    }
    public func voucherLookup(merchant: String?, code: String) async throws -> VoucherView {
        throw Self.unsupported("voucher.lookup")
    }
    public func quote(_ request: CoreOp.TxnQuote.Parameters) async throws -> QuoteAnswer {
        throw Self.unsupported("txn.quote")
    }
    public func linkPatient(merchant: String?, card: String, patientRef: String?) async throws {
        throw Self.unsupported("card.link-patient")
    }
    public func pool(merchant: String?, card: String, into: String) async throws -> HouseholdAnswer {
        throw Self.unsupported("account.pool")
    }
    public func split(merchant: String?, card: String, points: Int64, amount: String?) async throws
        -> HouseholdAnswer
    {
        throw Self.unsupported("account.split")
    }
    public func setMembership(merchant: String?, card: String, member: Bool, at instant: Date) async throws
        -> CardLookupAnswer
    {
        throw Self.unsupported("membership.set")
    }
    public func detach(merchant: String?, card: String, at instant: Date) async throws -> CardLookupAnswer {
        throw Self.unsupported("card.detach")
    }
    public func summary(merchant: String?, at instant: Date) async throws -> SummaryAnswer {
        throw Self.unsupported("report.summary")
    }
    public func appendAudit(_ request: CoreOp.AuditAppend.Parameters) async throws -> AuditEntry {
        throw Self.unsupported("audit.append")
    }
    public func auditList(merchant: String?, limit: Int) async throws -> AuditAnswer {
        throw Self.unsupported("audit.list")
    }
    public func exportPage(merchant: String?, kind: ExportKind, after: Int64, limit: Int) async throws
        -> ExportPageAnswer
    {
        throw Self.unsupported("export.page")
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
}
