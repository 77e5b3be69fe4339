import Foundation
import Gateway
import HummingbirdWebSocket
import Logging
import LoyalgateClient
import LoyalgateProtocol
import NIOWebSocket

/// One browser page's WebSocket. Its first message must pair it (`bridge.pair-page` with a
/// one-time code) or present its token (`bridge.hello`); anything else, or silence for ten
/// seconds, closes the connection with 1008 (policy violation) and nothing else is sent. After
/// that, each text message is one request as on the till socket and each answer or event one
/// text message.
final class PageSession: TillLink, @unchecked Sendable {
    /// What goes out, in order: lines, then possibly a close.
    private enum Outgoing {
        case line(Data)
        case close(WebSocketErrorCode, String)
    }

    private let origin: String
    private let gateway: GatewayService
    private let logger: Logger
    private let outgoing: AsyncStream<Outgoing>
    private let continuation: AsyncStream<Outgoing>.Continuation
    private let lock = NSLock()
    private var pairing: BrowserPairing?
    private var closeActions: [@Sendable () -> Void] = []
    private var closed = false
    private var core: LoyalgateClient?
    static let firstMessageSeconds = 10
    /// The core's till ops, relayed for the page's merchant (its role is the gateway's: till).
    static let coreOps = Set(CoreOp.all.filter { $0.role == .till }.map { $0.name })

    init(origin: String, gateway: GatewayService, logger: Logger) {
        self.origin = origin
        self.gateway = gateway
        self.logger = logger
        (outgoing, continuation) = AsyncStream<Outgoing>.makeStream()
    }

    // MARK: TillLink

    func write(_ line: Data) async throws {
        guard lock.withLock({ !closed }) else { throw CancellationError() }
        continuation.yield(.line(line))
    }

    func close() { shut(.goingAway, "The gateway closed this page's connection.") }

    func keepWhileIdle() {}

    func onClose(_ action: @escaping @Sendable () -> Void) {
        let now = lock.withLock {
            if closed { return true }
            closeActions.append(action)
            return false
        }
        if now { action() }
    }

    func merchant(under access: GatewayAccess) -> String? { lock.withLock { pairing?.merchant } }

    // MARK: The connection

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        let deadline = Task {
            try await Task.sleep(for: .seconds(Self.firstMessageSeconds))
            if self.lock.withLock({ self.pairing == nil }) {
                self.shut(
                    .policyViolation,
                    "Pair this page first: its first message must be bridge.hello or bridge.pair-page.")
            }
        }
        defer { deadline.cancel() }
        await withTaskGroup(of: Void.self) { group in
            // The writer drains what is queued, a close frame last, before the handler returns.
            group.addTask { await self.send(to: outbound) }
            do {
                for try await message in inbound.messages(maxSize: 65_536) {
                    guard case .text(let text) = message else {
                        reply(
                            Frame.failure(
                                id: nil, LoyaltyError(.badRequest, "Send text messages: one JSON request each.")))
                        continue
                    }
                    await handle(Data(text.utf8))
                    if lock.withLock({ closed }) { break }
                }
            } catch {
                logger.debug("browser bridge: a page's connection failed", metadata: ["error": "\(error)"])
            }
            finish()
        }
    }

    private func send(to outbound: WebSocketOutboundWriter) async {
        for await item in outgoing {
            do {
                switch item {
                case .line(let line):
                    let text = String(decoding: line.last == 0x0A ? line.dropLast() : line[...], as: UTF8.self)
                    try await outbound.write(.text(text))
                case .close(let code, let reason):
                    try await outbound.close(code, reason: reason)
                    return
                }
            } catch {
                return
            }
        }
    }

    private func reply(_ line: Data) {
        guard !line.isEmpty else { return }
        continuation.yield(.line(line))
    }

    /// Sends the close frame; the page's session ends with the connection.
    private func shut(_ code: WebSocketErrorCode, _ reason: String) {
        continuation.yield(.close(code, reason))
        finish()
    }

    private func finish() {
        let actions: [@Sendable () -> Void] = lock.withLock {
            guard !closed else { return [] }
            closed = true
            defer { closeActions = [] }
            return closeActions
        }
        continuation.finish()
        for action in actions { action() }
    }

    private func handle(_ line: Data) async {
        let request: Request
        switch Request.parse(line) {
        case .success(let parsed): request = parsed
        case .failure(let failure): return reply(Frame.failure(id: failure.id, failure.error))
        }
        guard let pairing = lock.withLock({ self.pairing }) else {
            return await authenticate(request, line: line)
        }
        switch request.op {
        case GatewayOp.BridgePair.name, GatewayOp.BridgePairings.name, GatewayOp.BridgeRevoke.name:
            reply(
                Frame.failure(
                    id: request.id,
                    LoyaltyError(
                        .forbidden, "A page cannot pair or revoke pages: ask at the till PC (loyalgate gateway pair)."))
            )
        case let op where Self.coreOps.contains(op):
            await relayToCore(request, line: line, merchant: pairing.merchant)
        default:
            reply(await gateway.answer(line: line, from: self))
        }
    }

    private func authenticate(_ request: Request, line: Data) async {
        let pairings = gateway.pairings
        do throws(any Error) {
            switch request.op {
            case BridgeOp.Hello.name:
                let hello = try request.parameters(of: BridgeOp.Hello.self)
                guard let pairing = pairings.authenticate(token: hello.token, origin: origin) else {
                    reply(
                        Frame.failure(
                            id: request.id, code: "not-paired",
                            message: "This page is not paired (or was revoked): pair it again."))
                    return shut(.policyViolation, "not paired")
                }
                accept(pairing)
                reply(Frame.success(id: request.id, BridgeOp.Paired(pairing: pairing, token: nil)))
            case BridgeOp.PairPage.name:
                let pair = try request.parameters(of: BridgeOp.PairPage.self)
                let (token, pairing) = try pairings.pair(code: pair.code, origin: origin, name: pair.name)
                accept(pairing)
                logger.info(
                    "browser bridge: a page was paired",
                    metadata: [
                        "pairing": "\(pairing.id)", "origin": "\(origin)", "merchant": "\(pairing.merchant ?? "")",
                    ])
                reply(Frame.success(id: request.id, BridgeOp.Paired(pairing: pairing, token: token)))
            default:
                reply(
                    Frame.failure(
                        id: request.id, code: "not-paired",
                        message: "Pair this page first: its first message must be bridge.hello or bridge.pair-page."))
                shut(.policyViolation, "not paired")
            }
        } catch let refusal as BrowserPairings.Refusal {
            // A wrong code may be retyped on the same connection; the pairings count the misses.
            reply(Frame.failure(id: request.id, code: refusal.code, message: refusal.message))
        } catch let error as LoyaltyError {
            reply(Frame.failure(id: request.id, error))
            shut(.policyViolation, "not paired")
        } catch {
            reply(
                Frame.failure(
                    id: request.id, LoyaltyError(.internalError, "The bridge could not pair the page: \(error).")))
        }
    }

    private func accept(_ pairing: BrowserPairing) {
        lock.withLock { self.pairing = pairing }
        gateway.pairings.onRevoke(id: pairing.id) { [weak self] in
            self?.shut(.policyViolation, "This page's pairing was revoked.")
        }
    }

    /// A core till op, for the merchant the page acts for; its own `merchant`, if any, must be that one.
    private func relayToCore(_ request: Request, line: Data, merchant: String?) async {
        guard let merchant else {
            return reply(
                Frame.failure(
                    id: request.id,
                    LoyaltyError(
                        .forbidden,
                        "This page acts for no merchant: pair it from a till user the gateway's access rules bind to one."
                    )))
        }
        guard var object = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] else {
            return reply(Frame.failure(id: request.id, LoyaltyError(.badRequest, "The request is not a JSON object.")))
        }
        if let asked = object["merchant"] as? String, asked != merchant {
            return reply(
                Frame.failure(id: request.id, LoyaltyError(.forbidden, "This page acts for \(merchant) only.")))
        }
        object["merchant"] = merchant
        do {
            let client = try lock.withLock {
                if let core { return core }
                let client = try LoyalgateClient(endpoint: gateway.core, timeoutMilliseconds: 5000)
                core = client
                return client
            }
            reply(try await client.relay(try JSONSerialization.data(withJSONObject: object)))
        } catch {
            lock.withLock { core = nil }
            reply(
                Frame.failure(
                    id: request.id,
                    LoyaltyError(.coreUnavailable, "The loyalty core is not answering; try again in a moment.")))
        }
    }
}
