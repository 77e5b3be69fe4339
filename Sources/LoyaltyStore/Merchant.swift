import Foundation
import LoyaltyDomain

/// A merchant as the core resolves it for an op.
public struct Merchant: Sendable, Hashable {
    public let id: Int64
    public let code: String
    public let name: String
    public let currency: Currency
    public let timeZone: TimeZone
    public let cardPrefix: String?
}
