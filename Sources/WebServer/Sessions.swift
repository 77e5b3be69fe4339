import BackOffice
import Foundation

/// A signed-in member of staff. Kept in the web's memory only: a restart signs everyone out,
/// which is the safe direction.
public struct StaffSession: Sendable {
    public var token: String
    public var user: String
    public var role: StaffRole
    public var merchants: [String]
    /// The merchant every page and op acts for; one of `merchants`.
    public var merchant: String
    /// Sent in every form and compared on every post.
    public var csrf: String
    public var expires: Date
    /// The account's bcrypt hash when the session opened: a new password ends the session.
    var passwordHash: String
}

/// Sessions by their cookie's token, with an idle expiry.
public final class SessionTable: @unchecked Sendable {
    public let lifetime: TimeInterval
    private let lock = NSLock()
    private var sessions: [String: StaffSession] = [:]
    fileprivate let noticeLock = NSLock()
    fileprivate var notices: [String: FieldError] = [:]

    public init(lifetime: TimeInterval = 8 * 3600) { self.lifetime = lifetime }

    public func open(for account: StaffAccount, now: Date = Date()) -> StaffSession {
        let session = StaffSession(
            token: Self.randomToken(), user: account.name, role: account.role, merchants: account.merchants,
            merchant: account.merchants[0], csrf: Self.randomToken(), expires: now.addingTimeInterval(lifetime),
            passwordHash: account.passwordHash)
        lock.withLock {
            sessions = sessions.filter { $0.value.expires > now }
            sessions[session.token] = session
        }
        return session
    }

    /// The live session for `token`, its expiry moved on; nil when unknown or expired.
    public func session(_ token: String?, now: Date = Date()) -> StaffSession? {
        guard let token else { return nil }
        return lock.withLock {
            guard var session = sessions[token] else { return nil }
            guard session.expires > now else {
                sessions[token] = nil
                return nil
            }
            session.expires = now.addingTimeInterval(lifetime)
            sessions[token] = session
            return session
        }
    }

    /// A chain's staff switch shops: only to one of the account's own merchants.
    public func switchMerchant(_ token: String, to merchant: String) -> Bool {
        lock.withLock {
            guard var session = sessions[token], session.merchants.contains(merchant) else { return false }
            session.merchant = merchant
            sessions[token] = session
            return true
        }
    }

    public func close(_ token: String) {
        lock.withLock { sessions[token] = nil }
        noticeLock.withLock { notices[token] = nil }
    }

    /// Ends every session of `user` (removed, or a new password).
    public func closeAll(user: String) { lock.withLock { sessions = sessions.filter { $0.value.user != user } } }

    /// 32 random bytes from the system's CSPRNG, URL-safe base64.
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Compares every byte whatever the first difference, so timing does not reveal a prefix.
    public static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

/// Wrong passwords per account and per address. After `freeFailures` wrong passwords in a row
/// the next try is refused until a wait has passed, doubling with each further failure (to
/// `maximumWait`); a right password clears the account's and the address's count.
public final class LoginThrottle: @unchecked Sendable {
    public let freeFailures: Int
    public let firstWait: TimeInterval
    public let maximumWait: TimeInterval
    private let lock = NSLock()
    private var failures: [String: (count: Int, last: Date)] = [:]

    public init(freeFailures: Int = 10, firstWait: TimeInterval = 30, maximumWait: TimeInterval = 15 * 60) {
        self.freeFailures = freeFailures
        self.firstWait = firstWait
        self.maximumWait = maximumWait
    }

    private func keys(user: String, address: String) -> [String] {
        ["user:" + user.lowercased(), "address:" + address]
    }

    /// Seconds to wait before the next try is heard, or nil when it may be tried now.
    public func wait(user: String, address: String, now: Date = Date()) -> Int? {
        lock.withLock {
            let waits = keys(user: user, address: address).compactMap { key -> TimeInterval? in
                guard let entry = failures[key], entry.count >= freeFailures else { return nil }
                let exponent = min(entry.count - freeFailures, 20)
                let wait = min(firstWait * pow(2, Double(exponent)), maximumWait)
                let remaining = entry.last.addingTimeInterval(wait).timeIntervalSince(now)
                return remaining > 0 ? remaining : nil
            }
            return waits.max().map { Int($0.rounded(.up)) }
        }
    }

    public func failed(user: String, address: String, now: Date = Date()) {
        lock.withLock {
            for key in keys(user: user, address: address) {
                // A quiet spell as long as the longest wait starts the count afresh.
                let previous = failures[key].flatMap { now.timeIntervalSince($0.last) < maximumWait ? $0.count : nil }
                failures[key] = ((previous ?? 0) + 1, now)
            }
            // Forget old entries so a scan of random names cannot grow the table for ever.
            if failures.count > 100_000 {
                failures = failures.filter { now.timeIntervalSince($0.value.last) < maximumWait }
            }
        }
    }

    /// Clears the account's count only: one right password from an address must not wipe the
    /// wrong ones it tried on other accounts.
    public func succeeded(user: String) {
        lock.withLock { failures["user:" + user.lowercased()] = nil }
    }
}

extension SessionTable {
    /// A sentence for the next page this session sees (after a post's redirect), then gone.
    public func setNotice(_ token: String, key: String, values: [String: String] = [:]) {
        noticeLock.withLock { notices[token] = FieldError(key, values) }
    }

    public func takeNotice(_ token: String) -> FieldError? {
        noticeLock.withLock { notices.removeValue(forKey: token) }
    }
}
