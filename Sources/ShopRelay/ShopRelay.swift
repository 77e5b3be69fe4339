import Foundation
import Logging
import LoyalgateClient
import LoyalgateProtocol
import NIOConcurrencyHelpers
import ServiceLifecycle
import SocketServer

/// The shop's relay (`loyalgate relay`): tills and the shop's gateway talk to it as to a core, on
/// a Unix socket; it forwards their till ops to the central core over TLS and returns the answers
/// unchanged. When the central core cannot be reached, earns are queued durably (`EarnQueue`) and
/// answered `queued: true`, everything else is refused with `core-unavailable`; a background task
/// delivers the queue in order, each earn once, when the core answers again.
public final class ShopRelay: Sendable {
    let queue: EarnQueue
    let forwarding: CoreLink
    let delivering: CoreLink
    let logger: Logger
    let retryInterval: Duration
    private let reachable = NIOLockedValueBox(true)
    /// Earns are queued one at a time: the order of the queue is the order of the tills' requests.
    private let earnLock = NIOLock()

    public init(
        core: CoreEndpoint, queueFolder: String, timeout: Duration = .seconds(3),
        retryInterval: Duration = .seconds(2), logger: Logger
    ) throws {
        queue = try EarnQueue(folder: queueFolder)
        forwarding = CoreLink(endpoint: core, timeout: timeout, label: "relay-forwarding")
        delivering = CoreLink(endpoint: core, timeout: timeout, label: "relay-delivery")
        self.logger = logger
        self.retryInterval = retryInterval
    }

    /// Answers one request line from a till (the `JSONLineServer` handler).
    public func answer(line: Data) async -> Data {
        let request: Request
        switch Request.parse(line) {
        case .failure(let failure): return Frame.failure(id: failure.id, failure.error)
        case .success(let parsed): request = parsed
        }
        switch RelayRules.route(op: request.op) {
        case .status:
            let counts = (try? queue.counts()) ?? (queued: 0, delivered: 0, dead: 0)
            return Frame.success(
                id: request.id,
                RelayStatusAnswer(
                    queued: counts.queued, deadLetters: counts.dead, delivered: counts.delivered,
                    core: forwarding.endpoint.description, coreReachable: reachable.withLockedValue { $0 }))
        case .refuse(let error):
            return Frame.failure(id: request.id, error)
        case .forward:
            do {
                return try await forward(line)
            } catch {
                logger.warning(
                    "the central core cannot be reached; refused",
                    metadata: ["op": "\(request.op)", "cause": "\(error)"])
                return Frame.failure(id: request.id, RelayRules.offlineRefusal(op: request.op))
            }
        case .earn:
            do {
                return try await earn(request, line: line)
            } catch let error as LoyaltyError {
                return Frame.failure(id: request.id, error)
            } catch {
                // The queue could not be written: the till must not believe the earn is safe.
                logger.error("the queue cannot be written", metadata: ["cause": "\(error)"])
                return Frame.failure(
                    id: request.id,
                    LoyaltyError(
                        .internalError,
                        "The shop's relay could not record the earn; nothing was recorded, send it again."))
            }
        }
    }

    private func forward(_ line: Data) async throws -> Data {
        do {
            let answer = try await forwarding.exchange(line)
            markReachable(true)
            return answer
        } catch {
            markReachable(false)
            throw error
        }
    }

    private func earn(_ request: Request, line: Data) async throws -> Data {
        let parameters = try request.parameters(of: CoreOp.TxnEarn.self)
        // A receipt the queue has seen is answered from what became of it.
        if let outcome = try queue.repeatOf(parameters) {
            return try await answer(outcome, id: request.id)
        }
        if RelayRules.earnJoinsQueue(depth: queue.depth) {
            return try await answer(try enqueue(parameters), id: request.id)
        }
        do {
            return try await forward(line)
        } catch {
            // No answer: the core may or may not have recorded it. Queued, it is sent again
            // later, and the core's idempotency on (till, receipt) keeps it to one earn.
            logger.warning("the central core cannot be reached; queueing the earn", metadata: ["cause": "\(error)"])
            return try await answer(try enqueue(parameters), id: request.id)
        }
    }

    private func enqueue(_ parameters: CoreOp.TxnEarn.Parameters) throws -> EarnQueue.Outcome {
        let outcome = try earnLock.withLock { try queue.enqueue(parameters) }
        if case .queued = outcome {
            logger.notice(
                "earn queued",
                metadata: [
                    "till": "\(parameters.till)", "receipt": "\(parameters.receipt)", "queue-depth": "\(queue.depth)",
                ])
        }
        return outcome
    }

    private func answer(_ outcome: EarnQueue.Outcome, id: RequestID?) async throws -> Data {
        switch outcome {
        case .queued(let answer), .replayed(let answer): return Frame.success(id: id, answer)
        case .refused(let error), .reused(let error): return Frame.failure(id: id, error)
        case .delivered(let request):
            // The core holds it under the `at` the relay gave it: asking with that `at` gets
            // the core's own replay (balances and all).
            do {
                return try await forward(Frame.request(CoreOp.TxnEarn.self, id: id, request))
            } catch {
                return Frame.failure(
                    id: id,
                    LoyaltyError(
                        .coreUnavailable,
                        "The head office cannot be reached; this sale's points were already recorded there, so nothing is lost: ask again later to see the balance."
                    ))
            }
        }
    }

    private func markReachable(_ now: Bool) {
        let before = reachable.withLockedValue { value in
            defer { value = now }
            return value
        }
        if before != now {
            if now {
                logger.notice("the central core answers again", metadata: ["queue-depth": "\(queue.depth)"])
            } else {
                logger.warning("the central core cannot be reached", metadata: ["queue-depth": "\(queue.depth)"])
            }
        }
    }

    /// Delivers the queue, oldest first, until it is empty or the core cannot be reached.
    /// Returns how many earns left the queue.
    @discardableResult
    public func deliverQueue() async -> Int {
        var done = 0
        while let entry = try? queue.oldest() {
            let line = Frame.request(CoreOp.TxnEarn.self, id: .number(entry.seq), entry.request)
            let answerLine: Data
            do {
                answerLine = try await delivering.exchange(line)
            } catch {
                markReachable(false)
                return done
            }
            markReachable(true)
            let answer = Frame.answer(CoreOp.TxnEarn.Answer.self, from: answerLine)
            do {
                switch answer.result {
                case .success(let earned):
                    try queue.markDelivered(entry.seq)
                    logger.notice(
                        "queued earn delivered",
                        metadata: [
                            "till": "\(entry.request.till)", "receipt": "\(entry.request.receipt)",
                            "points": "\(earned.points)", "replayed": "\(earned.replayed)",
                            "queue-depth": "\(queue.depth)",
                        ])
                case .failure(let error) where RelayRules.isPassing(error.code):
                    logger.warning("the central core cannot take the queue now", metadata: ["cause": "\(error)"])
                    return done
                case .failure(let error):
                    try queue.deadLetter(entry.seq, error)
                    logger.error(
                        "the central core refused a queued earn; kept aside as a dead letter",
                        metadata: [
                            "till": "\(entry.request.till)", "receipt": "\(entry.request.receipt)",
                            "code": "\(error.code.rawValue)", "cause": "\(error.message)",
                            "queue-depth": "\(queue.depth)",
                        ])
                }
                done += 1
            } catch {
                logger.error("the queue cannot be written", metadata: ["cause": "\(error)"])
                return done
            }
        }
        return done
    }

    /// The background delivery: tries the queue every `retryInterval` until shut down.
    public var delivery: some Service { Delivery(relay: self) }

    struct Delivery: Service {
        let relay: ShopRelay
        func run() async throws {
            relay.logger.info(
                "relay queue", metadata: ["queue-depth": "\(relay.queue.depth)", "file": "\(relay.queue.path)"])
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                if relay.queue.depth > 0 { await relay.deliverQueue() }
                try? await Task.sleep(for: relay.retryInterval)
            }
        }
    }
}

extension ShopRelay {
    /// Earns waiting for the central core.
    public var queueDepth: Int { queue.depth }
}
