import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

/// Answers core ops: one request line in, one answer line out. Knows the wire format, the access
/// rules and the ledger, nothing about sockets, so it is tested without any.
public struct CoreService: Sendable {
    public static let version = "0.1.0"
    /// Receipts are bounded so one request cannot hold the single writer for long.
    public static let maximumLines = 1_000

    let database: LedgerDatabase
    let policy: AccessPolicy
    let coreUID: UInt32

    public init(database: LedgerDatabase, policy: AccessPolicy = .empty, coreUID: UInt32 = getuid()) {
        self.database = database
        self.policy = policy
        self.coreUID = coreUID
    }

    /// The caller as the kernel reported it; nil (in-process use) counts as the core itself.
    public struct Caller: Sendable {
        public var uid: UInt32
        public var gid: UInt32

        public init(uid: UInt32, gid: UInt32) {
            self.uid = uid
            self.gid = gid
        }
    }

    public func answer(line: Data, caller: Caller? = nil) async -> Data {
        let request: Request
        switch Request.parse(line) {
        case .failure(let failure): return Frame.failure(id: failure.id, failure.error)
        case .success(let parsed): request = parsed
        }
        do {
            guard let operation = Self.operations[request.op] else {
                throw LoyaltyError(.unknownOp, "The core has no op \"\(request.op.prefix(64))\"; see docs/protocol.md.")
            }
            let grant = policy.grant(uid: caller?.uid ?? coreUID, gid: caller?.gid, coreUID: coreUID)
            if operation.role == .backOffice && grant.role != .backOffice {
                throw LoyaltyError(.forbidden, "A till may not do \(request.op): it is for the back office.")
            }
            let context = OperationContext(database: database, request: request, grant: grant)
            return Frame.success(id: request.id, try await operation.handle(context))
        } catch let error as LoyaltyError {
            return Frame.failure(id: request.id, error)
        } catch let error as ProgramError {
            return Frame.failure(id: request.id, LoyaltyError(.internalError, "The stored program could not be used: \(error.message)"))
        } catch {
            return Frame.failure(id: request.id, LoyaltyError(.internalError, "The loyalty core could not complete this; nothing was recorded. Try again."))
        }
    }

    static let operations: [String: Operation] = Dictionary(
        uniqueKeysWithValues: (tillOperations + cardOperations + customerOperations).map { ($0.name, $0) })
}

/// One op: its name, the least role that may call it, and what it does.
struct Operation: Sendable {
    let name: String
    let role: AccessPolicy.Role
    let handle: @Sendable (OperationContext) async throws -> any Encodable
}

struct OperationContext: Sendable {
    let database: LedgerDatabase
    let request: Request
    let grant: AccessPolicy.Grant

    func parameters<P: Decodable>(_ type: P.Type) throws(LoyaltyError) -> P {
        try request.parameters(type)
    }

    /// The merchant the op acts for: the caller's own if its role is bound to one (naming
    /// another is refused), else the op's `merchant`.
    func merchant(_ named: String?) throws(LoyaltyError) -> String? {
        guard let bound = grant.merchant else { return named }
        if let named, named != bound {
            throw LoyaltyError(.forbidden, "This caller acts for \(bound) and may not use \(named)'s data.")
        }
        return bound
    }
}
