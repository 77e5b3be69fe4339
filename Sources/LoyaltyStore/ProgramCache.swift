import Foundation
import LoyaltyDomain

/// Parsed programs by version id. A version never changes once stored, so nothing is evicted.
final class ProgramCache: @unchecked Sendable {
    private let lock = NSLock()
    private var rules: [Int64: EarningRules] = [:]

    func rules(versionID: Int64, load: () throws -> EarningRules) rethrows -> EarningRules {
        if let cached = lock.withLock({ rules[versionID] }) { return cached }
        let loaded = try load()
        lock.withLock { rules[versionID] = loaded }
        return loaded
    }
}

/// Merchants by the code an op named (nil: the only one), for work done before a write's
/// transaction; the transaction reads the merchant again and that read decides. A merchant's
/// id and currency never change once it exists, so an entry never goes stale for that use.
final class MerchantCache: @unchecked Sendable {
    private let lock = NSLock()
    private var merchants: [String?: Merchant] = [:]

    func merchant(code: String?, load: () async throws -> Merchant) async rethrows -> Merchant {
        if let cached = lock.withLock({ merchants[code] }) { return cached }
        let loaded = try await load()
        lock.withLock { merchants[code] = loaded }
        return loaded
    }
}
