import CoreMetrics
import Foundation
import GRDB

/// Runs write requests that arrive together in one SQLite transaction, each inside its own
/// savepoint, and answers them after the single commit.
///
/// A durable commit costs one fsync, whatever it holds; a till's earn is a few rows. Giving each
/// request its own commit caps a busy core at the disk's fsync rate, so requests that queue up
/// while a commit is in flight share the next one. Nothing is answered before its commit is on
/// disk, a request that fails rolls back only its own savepoint, and the requests of one batch
/// run one after another, so every check (idempotency, balance) sees the ones before it.
final class GroupCommit: @unchecked Sendable {
    /// Unchecked Sendable: `queue`, `stopping` and `running` are only touched under `condition`.
    private let writer: any DatabaseWriter
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var stopping = false
    private var running = false
    private var maintenance: (@Sendable (Database) throws -> Bool)?
    static let maximumBatch = 256
    /// How long the writer waits for the next request after a commit before it counts as idle
    /// and runs the maintenance (the statistics' roll-up). Not zero: with tills waiting on
    /// their answers the queue is empty for a moment after every commit, and a roll-up there
    /// would cost each group a second fsync.
    static let idleDelay: TimeInterval = 0.05
    /// Under a load that never leaves the writer idle, the maintenance still runs a step this
    /// often, so its backlog stays small (and a report's catch-up short).
    static let maintenanceInterval: TimeInterval = 1

    // swift-metrics (served by `loyalgate core --metrics`): durable commits, how many requests
    // shared each, and commits that failed (every request in them was refused).
    static let committed = Counter(label: "loyalgate_core_commits_total")
    static let failedCommits = Counter(label: "loyalgate_core_commits_failed_total")
    static let groupSize = Recorder(label: "loyalgate_core_commit_group_size", aggregate: true)

    private struct Job {
        /// Throws only when the request's savepoint could not be rolled back: the batch's
        /// transaction is then in doubt and is rolled back as a whole.
        let run: (Database) throws -> Void
        let finish: ((any Error)?) -> Void
    }

    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    func perform<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let outcome = OutcomeBox<T>()
            let job = Job(
                run: { db in try Self.inSavepoint(db, outcome: outcome, body) },
                finish: { commitError in
                    if let commitError {
                        continuation.resume(throwing: commitError)
                    } else {
                        continuation.resume(with: outcome.value ?? .failure(CancellationError()))
                    }
                })
            condition.withLock {
                queue.append(job)
                if !running {
                    running = true
                    let thread = Thread { [self] in loop() }
                    thread.name = "loyalgate-group-commit"
                    thread.start()
                }
                condition.signal()
            }
        }
    }

    /// Work the writer does in a transaction of its own, off the requests' path, after commits:
    /// `body` does one bounded step and says whether more remains. A step that fails is tried
    /// again after the next commit (its transaction rolled back, nothing half-done stays).
    func setMaintenance(_ body: @escaping @Sendable (Database) throws -> Bool) {
        condition.withLock { maintenance = body }
    }

    /// One request inside its own savepoint, with statements prepared once per connection
    /// (GRDB's `inSavepoint` prepares `SAVEPOINT` and `RELEASE` anew for every request). A request
    /// that fails is rolled back to its savepoint; should even that fail (SQLite may have aborted
    /// the whole transaction, say on a full disk), the error leaves the batch, whose transaction is
    /// then rolled back and every request in it refused: nothing of a refused request may commit.
    private static func inSavepoint<T>(
        _ db: Database, outcome: OutcomeBox<T>, _ body: (Database) throws -> T
    ) throws {
        do {
            try db.cachedStatement(sql: "SAVEPOINT loyalgate_request").execute()
        } catch {
            outcome.value = .failure(error)
            throw error
        }
        do {
            let value = try body(db)
            try db.cachedStatement(sql: "RELEASE SAVEPOINT loyalgate_request").execute()
            outcome.value = .success(value)
        } catch {
            outcome.value = .failure(error)
            try db.cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT loyalgate_request").execute()
            try db.cachedStatement(sql: "RELEASE SAVEPOINT loyalgate_request").execute()
        }
    }

    /// Stops the writer thread once the queued requests are done, and waits for the step in
    /// hand, so the database can be closed after it returns.
    func stop() {
        condition.withLock {
            stopping = true
            condition.broadcast()
            while running { condition.wait() }
        }
    }

    private func loop() {
        // Whether the maintenance has work: set by every commit, cleared by a step that
        // reports nothing left (or fails).
        var pending = condition.withLock { maintenance != nil }
        var lastStep = Date()
        while true {
            var idle = false
            let batch: [Job] = condition.withLock {
                while queue.isEmpty && !stopping {
                    guard pending else {
                        condition.wait()
                        continue
                    }
                    if !condition.wait(until: Date().addingTimeInterval(Self.idleDelay)) && queue.isEmpty && !stopping {
                        idle = true
                        return []
                    }
                }
                let taken = Array(queue.prefix(Self.maximumBatch))
                queue.removeFirst(taken.count)
                if taken.isEmpty {
                    running = false
                    condition.broadcast()
                }
                return taken
            }
            if idle {
                // Steps back to back while nobody waits: a backlog is worked through quickly.
                repeat {
                    pending = maintain()
                } while pending && condition.withLock({ queue.isEmpty && !stopping })
                lastStep = Date()
                continue
            }
            if batch.isEmpty { return }
            do {
                try writer.write { db in try batch.forEach { try $0.run(db) } }
                Self.committed.increment()
                Self.groupSize.record(batch.count)
                batch.forEach { $0.finish(nil) }
            } catch {
                Self.failedCommits.increment()
                batch.forEach { $0.finish(error) }
            }
            pending = condition.withLock { maintenance != nil }
            if pending && Date().timeIntervalSince(lastStep) >= Self.maintenanceInterval {
                pending = maintain()
                lastStep = Date()
            }
        }
    }

    /// One maintenance step in its own transaction; whether more remains.
    private func maintain() -> Bool {
        guard let body = condition.withLock({ maintenance }) else { return false }
        do {
            return try writer.write { db in try body(db) }
        } catch {
            return false
        }
    }
}

/// The result of one request inside a batch, written by the commit thread before `finish`.
private final class OutcomeBox<T>: @unchecked Sendable {
    var value: Result<T, any Error>?
}
