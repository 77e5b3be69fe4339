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
    let cardPrinting: (any CardPrintDesk)?
    let coreUID: UInt32
    /// Where faults go with their cause: the till gets one sentence, the technician the reason.
    let logger: Logger
    /// Signs and checks the cardholder page's tokens; the core's alone (docs/cardholder.md).
    let tokens: CardholderTokens

    public init(
        store: any LedgerStore, policy: AccessPolicy = .empty, coreUID: UInt32 = getuid(),
        cardPrinting: (any CardPrintDesk)? = nil, logger: Logger = Logger(label: "loyalgate.core"),
        tokens: CardholderTokens = .ephemeral()
    ) {
        self.tokens = tokens
        self.store = store
        self.policy = policy
        self.cardPrinting = cardPrinting
        self.coreUID = coreUID
        self.logger = logger
    }

    /// The caller as the kernel reported it (Unix socket), or as its client certificate names
    /// it (TLS); nil (in-process use) counts as the core itself.
    public struct Caller: Sendable {
        public var uid: UInt32
        public var gid: UInt32
        /// Supplementary groups (SocketServer's `PeerCredentials.groups`).
        public var groups: [UInt32]
        /// Over TLS: the role and merchant the chain's CA signed into the caller's certificate.
        /// It is the grant as it stands: the access file's uid and gid rules do not apply to a
        /// caller on another machine (docs/security.md).
        public var certificate: AccessPolicy.Grant?

        public init(uid: UInt32, gid: UInt32, groups: [UInt32] = []) {
            self.uid = uid
            self.gid = gid
            self.groups = groups
        }

        public init(certificate grant: AccessPolicy.Grant) {
            // No uid means anything for a remote caller; these are never looked up.
            self.init(uid: UInt32.max, gid: UInt32.max)
            certificate = grant
        }
    }

    public func answer(line: Data, caller: Caller? = nil) async -> Data {
        let started = ContinuousClock.now
        let request: Request
        let parameters: Result<any Sendable, LoyaltyError>?
        if let parsed = try? Self.lineDecoder.decode(ParsedLine.self, from: line), let op = parsed.op, !op.isEmpty {
            request = Request(id: parsed.id, op: op, line: line)
            parameters = parsed.parameters
        } else {
            // Not a request: read again in two steps for the refusal and whatever id it has.
            switch Request.parse(line) {
            case .failure(let failure):
                RequestMetrics.record(op: "", outcome: failure.error.code.rawValue, since: started)
                return Frame.failure(id: failure.id, failure.error)
            case .success(let parsed):
                request = parsed
                parameters = nil
            }
        }
        let (answer, outcome) = await answer(request, parameters: parameters, caller: caller)
        RequestMetrics.record(op: request.op, outcome: outcome?.rawValue ?? "ok", since: started)
        return answer
    }

    /// The answer line and, when it is a refusal, its code.
    /// One decoder for every line (it keeps no state between lines).
    private static let lineDecoder = JSONDecoder()

    private func answer(
        _ request: Request, parameters: Result<any Sendable, LoyaltyError>?, caller: Caller?
    ) async -> (Data, LoyaltyError.Code?) {
        do {
            guard let handler = Self.handlers[request.op] else {
                throw LoyaltyError(.unknownOp, "The core has no op \"\(request.op.prefix(64))\"; see docs/protocol.md.")
            }
            guard
                let grant = caller?.certificate
                    ?? policy.grant(
                        uid: caller?.uid ?? coreUID, gid: caller?.gid, groups: caller?.groups ?? [], coreUID: coreUID)
            else {
                throw refusal(caller)
            }
            if handler.role == .backOffice && grant.role != .backOffice {
                throw LoyaltyError(.forbidden, "A till may not do \(request.op): it is for the back office.")
            }
            let context = HandlerContext(store: store, grant: grant, tokens: tokens, cardPrinting: cardPrinting)
            return (
                Frame.success(id: request.id, try await handler.handle(context, request, try parameters?.get())), nil
            )
        } catch let error as LoyaltyError {
            if error.code == .internalError { logFault(error, answer: error, request: request) }
            return failure(request, error)
        } catch let violation as RuleViolation {
            return failure(request, LoyaltyError(violation))
        } catch let error as ProgramError {
            let answer = LoyaltyError(.internalError, "The stored program could not be used: \(error.message)")
            logFault(error, answer: answer, request: request)
            return failure(request, answer)
        } catch {
            let answer = LoyaltyError.storeFault(error)
            logFault(error, answer: answer, request: request)
            return failure(request, answer)
        }
    }

    private func failure(_ request: Request, _ error: LoyaltyError) -> (Data, LoyaltyError.Code?) {
        (Frame.failure(id: request.id, error), error.code)
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

    /// What a caller no rule names is told: who it is, and the rule that would let it in.
    func refusal(_ caller: Caller?) -> LoyaltyError {
        let uid = caller?.uid ?? coreUID
        let gid = caller.map { String($0.gid) } ?? "unknown"
        let groups = caller?.groups ?? []
        let groupText = groups.isEmpty ? "" : ", groups \(groups.map(String.init).joined(separator: ", "))"
        // The technician sees who was turned away (a till set up without its rule, or a program
        // that should not be there), not only the caller.
        logger.warning(
            "refused a caller no access rule names",
            metadata: ["uid": "\(uid)", "gid": "\(gid)", "groups": "\(groups.map(String.init).joined(separator: ","))"])
        return LoyaltyError(
            .forbidden,
            "This caller (uid \(uid), gid \(gid)\(groupText)) has no rule in the core's access file\(policy.source.map { " \($0)" } ?? ""): add {\"uid\": \(uid), \"role\": \"till\", \"merchant\": \"MERCHANT\"} (or a \"gid\" rule for its group) to \"callers\" and restart the core (docs/customers.md, \"Who may do what\")."
        )
    }

    /// Every op's handler by name; `CoreOp.all` and this list name the same ops (tested).
    static let handlers: [String: Handler] = Dictionary(
        uniqueKeysWithValues: (tillHandlers + cardHandlers + customerHandlers + prepaidHandlers + cardKindHandlers
            + backOfficeHandlers + cardBatchHandlers + cardholderHandlers + holderDetailsHandlers + campaignHandlers
            + statisticsHandlers).map { ($0.name, $0) })

    /// The names of the ops this core answers.
    public static var opNames: Set<String> { Set(handlers.keys) }
}

/// The two fields most requests carry that say where a request came from, for the log.
private struct TillAndMerchant: Decodable {
    var till: String?
    var merchant: String?
}
