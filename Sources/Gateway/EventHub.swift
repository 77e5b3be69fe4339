import Foundation
import LoyalgateProtocol

/// Fans events out to the tills that subscribed to them and keeps the replay window.
/// Publishing and subscribing happen under one lock, so a till that subscribes with `since`
/// gets every event exactly once: the replayed ones, then the live ones.
public final class EventHub: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer: ReplayBuffer
    private var sessions: [ObjectIdentifier: TillSession] = [:]
    /// Identifies this gateway run; cursors from another run mean nothing here.
    public let epoch: String

    public init(replayEvents: Int, replaySeconds: Int) {
        buffer = ReplayBuffer(capacity: replayEvents, maximumAge: TimeInterval(replaySeconds))
        epoch =
            String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36) + "-"
            + String(UInt32.random(in: 0...UInt32.max), radix: 36)
    }

    public var lastCursor: Int64 { lock.withLock { buffer.lastCursor } }

    /// `merchant`: for a card scan, whose card it is (who may see its look-up).
    public func publish(_ gatewayEvent: GatewayEvent, merchant: String? = nil) {
        GatewayMetrics.published(gatewayEvent)
        lock.withLock {
            let event = buffer.append(gatewayEvent, time: Date(), merchant: merchant)
            for session in sessions.values where session.wants(event) {
                session.enqueue(event)
            }
        }
    }

    struct Subscription {
        var replayed: Int
        var complete: Bool
        var cursor: Int64
    }

    /// Registers (or re-filters) a till's subscription and queues the replay, paused until the
    /// caller has written the answer and calls `session.resume()`.
    func subscribe(_ session: TillSession, devices: Set<String>?, since: Int64?, epoch: String?) -> Subscription {
        lock.withLock {
            session.subscribe(devices: devices)
            sessions[ObjectIdentifier(session)] = session
            guard let since else { return Subscription(replayed: 0, complete: true, cursor: buffer.lastCursor) }
            // A cursor from another run of the gateway: everything this run still holds is new
            // to the till, and what happened before the restart is gone.
            let sameRun = epoch == nil || epoch == self.epoch
            let (events, complete) = buffer.events(after: sameRun ? since : 0, now: Date())
            let wanted = events.filter { session.wants($0) }
            for event in wanted { session.enqueue(event, replayed: true) }
            return Subscription(replayed: wanted.count, complete: complete && sameRun, cursor: buffer.lastCursor)
        }
    }

    func remove(_ session: TillSession) {
        lock.withLock { _ = sessions.removeValue(forKey: ObjectIdentifier(session)) }
        session.finish()
    }

    public var tillCount: Int { lock.withLock { sessions.count } }
}
