import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

// The ops the PostgreSQL store does not do yet: each refuses with a sentence that says so
// (`unknown-op`), never a half-done write. docs/chain.md lists them.
extension PostgresLedger {
}
