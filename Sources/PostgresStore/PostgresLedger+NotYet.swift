import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

// The ops the PostgreSQL store does not do yet: each refuses with a sentence that says so
// (`unknown-op`), never a half-done write. docs/chain.md lists them.
extension PostgresLedger {
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
