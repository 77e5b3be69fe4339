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
}
