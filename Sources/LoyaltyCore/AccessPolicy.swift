import Foundation
import LoyalgateProtocol

/// Who may do what: the kernel-reported uid and groups of a caller mapped to a role, and
/// optionally bound to one merchant. Read from the core's access file (docs/customers.md,
/// "Who may do what").
///
/// Least privilege: a caller that no rule names gets nothing, unless the file declares a
/// `default` grant on purpose. Only the core's own user and root, who can read the database
/// file anyway, are the back office without a rule.
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

    /// What a caller no rule names gets, when the file says so (`"default"`).
    public struct DefaultGrant: Sendable, Codable, Equatable {
        public var role: Role
        public var merchant: String?

        public init(role: Role, merchant: String? = nil) {
            self.role = role
            self.merchant = merchant
        }
    }

    public struct Grant: Sendable, Equatable {
        public var role: Role
        public var merchant: String?

        public init(role: Role, merchant: String?) {
            self.role = role
            self.merchant = merchant
        }

        /// Health data (a pharmacy's patient reference) goes to the back office and to callers
        /// bound to the merchant; a till acting for any merchant never sees it.
        public var seesHealthData: Bool { role == .backOffice || merchant != nil }
    }

    public var callers: [Rule]
    public var `default`: DefaultGrant?
    /// Where the rules were read from, for the refusal's message (not part of the file).
    public var source: String?

    private enum CodingKeys: String, CodingKey { case callers, `default` }

    public init(callers: [Rule], default defaultGrant: DefaultGrant? = nil, source: String? = nil) {
        self.callers = callers
        self.default = defaultGrant
        self.source = source
    }

    /// The first rule naming the caller's uid; else the first rule, in file order, naming its
    /// primary group or any of its supplementary groups (so `sg` or `newgrp` cannot pick a
    /// role: the set of groups is the same whichever is primary); else the back office for the
    /// core's own user and root; else the file's `default`; else nil: no access at all.
    public func grant(uid: UInt32?, gid: UInt32?, groups: [UInt32] = [], coreUID: UInt32) -> Grant? {
        if let uid, let rule = callers.first(where: { $0.uid == uid }) {
            return Grant(role: rule.role, merchant: rule.merchant)
        }
        let memberOf = Set(groups + (gid.map { [$0] } ?? []))
        if let rule = callers.first(where: { rule in rule.uid == nil && rule.gid.map { memberOf.contains($0) } == true }
        ) {
            return Grant(role: rule.role, merchant: rule.merchant)
        }
        if let uid, uid == coreUID || uid == 0 {
            return Grant(role: .backOffice, merchant: nil)
        }
        return self.default.map { Grant(role: $0.role, merchant: $0.merchant) }
    }

    public static let empty = AccessPolicy(callers: [])

    /// Reads `{"callers": [{"uid": 1001, "role": "till", "merchant": "pharmacie-a"}, ...],
    /// "default": {"role": "till", "merchant": "pharmacie-a"}}` (`default` optional).
    public static func load(path: String) throws -> AccessPolicy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AccessPolicyError("The access file \(path) cannot be read.")
        }
        do {
            var policy = try JSONDecoder().decode(AccessPolicy.self, from: data)
            for rule in policy.callers where rule.uid == nil && rule.gid == nil {
                throw AccessPolicyError("Every rule in \(path) needs a uid or a gid.")
            }
            policy.source = path
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
