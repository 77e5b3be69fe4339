import Foundation
import LoyalgateProtocol

/// Who may do what: the kernel-reported uid and gid of a caller mapped to a role, and
/// optionally bound to one merchant. Read from the core's access file (docs/protocol.md).
public struct AccessPolicy: Sendable, Codable, Equatable {
    public struct Rule: Sendable, Codable, Equatable {
        public var uid: UInt32?
        public var gid: UInt32?
        public var role: Role
        /// The merchant this caller acts for; an op naming another merchant is refused.
        public var merchant: String?

        public init(uid: UInt32? = nil, gid: UInt32? = nil, role: Role, merchant: String? = nil) {
            self.uid = uid
            self.gid = gid
            self.role = role
            self.merchant = merchant
        }
    }

    public struct Grant: Sendable, Equatable {
        public var role: Role
        public var merchant: String?
    }

    public var callers: [Rule]

    public init(callers: [Rule]) {
        self.callers = callers
    }

    /// The first rule naming the caller's uid, else the first naming its gid. A caller no rule
    /// names is the back office when it runs as the core's own user or as root (the shop PC's
    /// administrator), and a till otherwise: unknown programs get the least.
    public func grant(uid: UInt32?, gid: UInt32?, coreUID: UInt32) -> Grant {
        if let uid, let rule = callers.first(where: { $0.uid == uid }) {
            return Grant(role: rule.role, merchant: rule.merchant)
        }
        if let gid, let rule = callers.first(where: { $0.uid == nil && $0.gid == gid }) {
            return Grant(role: rule.role, merchant: rule.merchant)
        }
        if let uid, uid == coreUID || uid == 0 {
            return Grant(role: .backOffice, merchant: nil)
        }
        return Grant(role: .till, merchant: nil)
    }

    public static let empty = AccessPolicy(callers: [])

    /// Reads `{"callers": [{"uid": 1001, "role": "till", "merchant": "pharmacie-a"}, ...]}`.
    public static func load(path: String) throws -> AccessPolicy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AccessPolicyError("The access file \(path) cannot be read.")
        }
        do {
            let policy = try JSONDecoder().decode(AccessPolicy.self, from: data)
            for rule in policy.callers where rule.uid == nil && rule.gid == nil {
                throw AccessPolicyError("Every rule in \(path) needs a uid or a gid.")
            }
            return policy
        } catch let error as AccessPolicyError {
            throw error
        } catch {
            throw AccessPolicyError("The access file \(path) is not valid: \(error)")
        }
    }
}

public struct AccessPolicyError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
