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
