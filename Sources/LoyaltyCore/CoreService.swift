import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

/// Answers core ops: one request line in, one answer line out. Knows the wire format, the access
/// rules and the store, nothing about sockets, so it is tested in-process (LoyaltyCoreTests).
public struct CoreService: Sendable {
    public static let version = "0.1.0"

    let store: any LedgerStore
    let policy: AccessPolicy
    let coreUID: UInt32

    public init(store: any LedgerStore, policy: AccessPolicy = .empty, coreUID: UInt32 = getuid()) {
        self.store = store
        self.policy = policy
        self.coreUID = coreUID
    }

    /// The caller as the kernel reported it; nil (in-process use) counts as the core itself.
    public struct Caller: Sendable {
        public var uid: UInt32
        public var gid: UInt32
        /// Supplementary groups (SocketServer's `PeerCredentials.groups`).
        public var groups: [UInt32]

        public init(uid: UInt32, gid: UInt32, groups: [UInt32] = []) {
            self.uid = uid
            self.gid = gid
            self.groups = groups
        }
    }

    public func answer(line: Data, caller: Caller? = nil) async -> Data {
        let request: Request
        switch Request.parse(line) {
        case .failure(let failure): return Frame.failure(id: failure.id, failure.error)
        case .success(let parsed): request = parsed
        }
        do {
            guard let handler = Self.handlers[request.op] else {
                throw LoyaltyError(.unknownOp, "The core has no op \"\(request.op.prefix(64))\"; see docs/protocol.md.")
            }
            guard
                let grant = policy.grant(
                    uid: caller?.uid ?? coreUID, gid: caller?.gid, groups: caller?.groups ?? [], coreUID: coreUID)
            else {
                throw refusal(caller)
            }
            if handler.role == .backOffice && grant.role != .backOffice {
                throw LoyaltyError(.forbidden, "A till may not do \(request.op): it is for the back office.")
            }
            let context = HandlerContext(store: store, grant: grant)
            return Frame.success(id: request.id, try await handler.handle(context, request))
        } catch let error as LoyaltyError {
            return Frame.failure(id: request.id, error)
        } catch let violation as RuleViolation {
            return Frame.failure(id: request.id, LoyaltyError(violation))
        } catch let error as ProgramError {
            return Frame.failure(
                id: request.id, LoyaltyError(.internalError, "The stored program could not be used: \(error.message)"))
        } catch {
            return Frame.failure(
                id: request.id,
                LoyaltyError(
                    .internalError, "The loyalty core could not complete this; nothing was recorded. Try again."))
        }
    }

    /// What a caller no rule names is told: who it is, and the rule that would let it in.
    func refusal(_ caller: Caller?) -> LoyaltyError {
        let uid = caller?.uid ?? coreUID
        let gid = caller.map { String($0.gid) } ?? "unknown"
        let groups = caller?.groups ?? []
        let groupText = groups.isEmpty ? "" : ", groups \(groups.map(String.init).joined(separator: ", "))"
        return LoyaltyError(
            .forbidden,
            "This caller (uid \(uid), gid \(gid)\(groupText)) has no rule in the core's access file\(policy.source.map { " \($0)" } ?? ""): add {\"uid\": \(uid), \"role\": \"till\", \"merchant\": \"MERCHANT\"} (or a \"gid\" rule for its group) to \"callers\" and restart the core (docs/customers.md, \"Who may do what\")."
        )
    }

    /// Every op's handler by name; `CoreOp.all` and this list name the same ops (tested).
    static let handlers: [String: Handler] = Dictionary(
        uniqueKeysWithValues: (tillHandlers + cardHandlers + customerHandlers).map { ($0.name, $0) })

    /// The names of the ops this core answers.
    public static var opNames: Set<String> { Set(handlers.keys) }
}
