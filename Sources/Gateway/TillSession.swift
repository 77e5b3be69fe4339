import Foundation
import Logging
import SocketServer

/// One till connection's event stream: its device filter, its `seq` counter and a queue drained
/// by one task, so events leave in the order they were numbered and a slow till never holds up
/// the scanners or the other tills. A till that falls `maximumBacklog` events behind is
/// disconnected; it gets the missed events back with `since` when it reconnects.
final class TillSession: @unchecked Sendable {
    let connection: any TillLink
    /// The merchant this till acts for (`GatewayAccess`), read once from its peer credentials:
    /// decides how much of a card scan's look-up it is sent.
    let merchant: String?
    private let lock = NSLock()
    private var filter: Set<String>?
    private var subscribed = false
    private var seq: Int64 = 0
    private var queue: [Data] = []
    private var paused = true
    private var closed = false
    private let wakeups: AsyncStream<Void>.Continuation
    private let stream: AsyncStream<Void>
    static let maximumBacklog = 10_000

    init(connection: any TillLink, merchant: String?) {
        self.connection = connection
        self.merchant = merchant
        (stream, wakeups) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        Task { await drain() }
    }

    /// Sets the filter (nil: every device) and starts numbering; call under the hub's lock.
    func subscribe(devices: Set<String>?) {
        lock.withLock {
            filter = devices
            subscribed = true
            paused = true
        }
    }

    func wants(_ event: PublishedEvent) -> Bool {
        lock.withLock { subscribed && (filter == nil || event.deviceID.map { filter!.contains($0) } ?? true) }
    }

    /// Numbers and queues one event (the hub calls this under its lock, in cursor order).
    func enqueue(_ event: PublishedEvent, replayed: Bool = false) {
        let overflow: Bool = lock.withLock {
            guard !closed else { return false }
            if queue.count >= Self.maximumBacklog {
                closed = true
                return true
            }
            seq += 1
            queue.append(event.line(seq: seq, replayed: replayed, for: merchant))
            return false
        }
        if overflow {
            connection.close()
        } else {
            wakeups.yield()
        }
    }

    /// Lets queued events go out (after the subscribe answer has been written).
    func resume() {
        lock.withLock { paused = false }
        wakeups.yield()
    }

    func finish() {
        lock.withLock { closed = true }
        wakeups.finish()
    }

    private func next() -> Data? {
        lock.withLock {
            guard !paused, !queue.isEmpty else { return nil }
            return queue.removeFirst()
        }
    }

    private func drain() async {
        for await _ in stream {
            while let line = next() {
                do {
                    try await connection.write(line)
                } catch {
                    finish()
                    return
                }
            }
        }
    }
}
