import Foundation
import Logging
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
    /// Where faults go with their cause: the till gets one sentence, the technician the reason.
    let logger: Logger

    public init(
        store: any LedgerStore, policy: AccessPolicy = .empty, coreUID: UInt32 = getuid(),
        logger: Logger = Logger(label: "loyalgate.core")
    ) {
        self.store = store
        self.policy = policy
        self.coreUID = coreUID
        self.logger = logger
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
            guard let handler = Self.handlers[request.op] else {
                throw LoyaltyError(.unknownOp, "The core has no op \"\(request.op.prefix(64))\"; see docs/protocol.md.")
            }
            let grant = policy.grant(uid: caller?.uid ?? coreUID, gid: caller?.gid, coreUID: coreUID)
            if handler.role == .backOffice && grant.role != .backOffice {
                throw LoyaltyError(.forbidden, "A till may not do \(request.op): it is for the back office.")
            }
            let context = HandlerContext(store: store, grant: grant)
            return Frame.success(id: request.id, try await handler.handle(context, request))
        } catch let error as LoyaltyError {
            if error.code == .internalError { logFault(error, answer: error, request: request) }
            return Frame.failure(id: request.id, error)
        } catch let violation as RuleViolation {
            return Frame.failure(id: request.id, LoyaltyError(violation))
        } catch let error as ProgramError {
            let answer = LoyaltyError(.internalError, "The stored program could not be used: \(error.message)")
            logFault(error, answer: answer, request: request)
            return Frame.failure(id: request.id, answer)
        } catch {
            let answer = LoyaltyError.storeFault(error)
            logFault(error, answer: answer, request: request)
            return Frame.failure(id: request.id, answer)
        }
    }

    /// Every fault a till is told about is logged with its cause: a damaged page or a full disk
    /// must reach the technician, not only the cashier.
    /// The till and merchant the request names go in too, so the technician knows which till
    /// saw it.
    func logFault(_ cause: any Error, answer: LoyaltyError, request: Request) {
        var metadata: Logger.Metadata = ["op": "\(request.op)", "code": "\(answer.code.rawValue)", "cause": "\(cause)"]
        let named = try? request.parameters(TillAndMerchant.self)
        if let till = named?.till { metadata["till"] = "\(till)" }
        if let merchant = named?.merchant { metadata["merchant"] = "\(merchant)" }
        if answer.code == .diskFull {
            logger.critical("disk full: the ledger cannot grow; nothing was recorded", metadata: metadata)
        } else {
            logger.error("internal error: nothing was recorded", metadata: metadata)
        }
    }

    /// Every op's handler by name; `CoreOp.all` and this list name the same ops (tested).
    static let handlers: [String: Handler] = Dictionary(
        uniqueKeysWithValues: (tillHandlers + cardHandlers + customerHandlers).map { ($0.name, $0) })

    /// The names of the ops this core answers.
    public static var opNames: Set<String> { Set(handlers.keys) }
}

/// The two fields most requests carry that say where a request came from, for the log.
private struct TillAndMerchant: Decodable {
    var till: String?
    var merchant: String?
}
