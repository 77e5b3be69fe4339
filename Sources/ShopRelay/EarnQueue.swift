import Foundation
import GRDB
import LoyalgateProtocol

/// The shop's durable queue of earns made while the central core could not be reached: one
/// SQLite file (`QUEUE/relay-queue.sqlite`, mode 0600) in WAL mode with `synchronous = FULL`, so
/// an earn the till was told is queued survives a crash or a power cut (the commit is fsync'd
/// before the answer goes out).
///
/// Rows stay after delivery (state `delivered`): a till that sends the same receipt again later
/// is answered from the core's replay, not taken for another sale. Refused earns are moved to
/// the state `dead` with the core's refusal in `dead_letter`, never sent again.
public final class EarnQueue: Sendable {
    public static let fileName = "relay-queue.sqlite"
    let database: DatabaseQueue
    public let path: String

    /// One queued earn, oldest first.
    public struct Entry: Sendable, Equatable {
        public var seq: Int64
        /// The request sent to the core: the till's, with `at` set to the sale's time.
        public var request: CoreOp.TxnEarn.Parameters
    }

    /// What `enqueue` did.
    public enum Outcome: Sendable, Equatable {
        /// Recorded now; the answer for the till.
        case queued(QueuedEarnAnswer)
        /// The same request is already queued: the same answer again, nothing recorded.
        case replayed(QueuedEarnAnswer)
        /// The same request was queued and has since been delivered: send this (with its `at`)
        /// to the core, which replays its answer.
        case delivered(CoreOp.TxnEarn.Parameters)
        /// The same request was queued and the core refused it: that refusal again.
        case refused(LoyaltyError)
        /// Another request with the same (till, receipt): refused with `receipt-reused`.
        case reused(LoyaltyError)
    }

    public init(folder: String) throws {
        // The folder holds receipts and card numbers: the relay's user only.
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        path = folder + "/" + Self.fileName
        // No umask(0o077) around the open: the umask is the whole process's, and two threads
        // saving and restoring it at once (two queues, or a socket server binding) leave it at
        // 0o077 for good, making every folder the process creates afterwards private (seen in
        // the test process: the CUPS test harness's backends could no longer be run). The
        // folder is 0700, the file is made 0600 right after the open, and SQLite creates the
        // WAL and shared-memory files with the database file's own mode.
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // WAL, and every commit fsync'd (FULL) before the till hears "queued".
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        database = try DatabaseQueue(path: path, configuration: configuration)
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            chmod(file, 0o600)
        }
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-relay-queue") { db in
            try db.execute(
                sql: """
                    CREATE TABLE earn (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        merchant TEXT NOT NULL,
                        till TEXT NOT NULL,
                        receipt TEXT NOT NULL,
                        card TEXT NOT NULL,
                        original TEXT NOT NULL,
                        request TEXT NOT NULL,
                        at TEXT NOT NULL,
                        queued_at TEXT NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('queued', 'delivered', 'dead')),
                        delivered_at TEXT,
                        UNIQUE (merchant, till, receipt)
                    );
                    CREATE INDEX earn_state ON earn (state, seq);
                    CREATE TABLE dead_letter (
                        seq INTEGER PRIMARY KEY REFERENCES earn (seq),
                        code TEXT NOT NULL,
                        message TEXT NOT NULL,
                        refused_at TEXT NOT NULL
                    );
                    """)
        }
        try migrator.migrate(database)
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func text(_ parameters: CoreOp.TxnEarn.Parameters) throws -> String {
        String(decoding: try encoder.encode(parameters), as: UTF8.self)
    }

    static func timestamp(_ date: Date) -> String {
        // RFC 3339 in UTC, whole seconds: what the core's `at` accepts.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Records an earn the core could not take, or answers a repeat. "The same request" is the
    /// same parameters as sent (the request `id` aside).
    public func enqueue(_ parameters: CoreOp.TxnEarn.Parameters, now: Date = Date()) throws -> Outcome {
        let original = try Self.text(parameters)
        return try database.write { db -> Outcome in
            if let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT earn.seq, earn.original, earn.request, earn.at, earn.state, dead_letter.code, dead_letter.message
                    FROM earn LEFT JOIN dead_letter ON dead_letter.seq = earn.seq
                    WHERE merchant = ? AND till = ? AND receipt = ?
                    """, arguments: [parameters.merchant ?? "", parameters.till, parameters.receipt])
            {
                return try Self.repeatOutcome(row, parameters: parameters, original: original)
            }
            var request = parameters
            let at = parameters.at ?? Self.timestamp(now)
            request.at = at
            try db.execute(
                sql: """
                    INSERT INTO earn (merchant, till, receipt, card, original, request, at, queued_at, state)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued')
                    """,
                arguments: [
                    parameters.merchant ?? "", parameters.till, parameters.receipt, parameters.card, original,
                    try Self.text(request), at, Self.timestamp(now),
                ])
            return .queued(
                QueuedEarnAnswer(
                    merchant: parameters.merchant, card: parameters.card, till: parameters.till,
                    receipt: parameters.receipt, at: at, replayed: false))
        }
    }

    /// A request for a (till, receipt) the queue already holds, online or not.
    public func repeatOf(_ parameters: CoreOp.TxnEarn.Parameters) throws -> Outcome? {
        let original = try Self.text(parameters)
        return try database.read { db -> Outcome? in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT earn.seq, earn.original, earn.request, earn.at, earn.state, dead_letter.code, dead_letter.message
                        FROM earn LEFT JOIN dead_letter ON dead_letter.seq = earn.seq
                        WHERE merchant = ? AND till = ? AND receipt = ?
                        """, arguments: [parameters.merchant ?? "", parameters.till, parameters.receipt])
            else { return nil }
            return try Self.repeatOutcome(row, parameters: parameters, original: original)
        }
    }

    private static func repeatOutcome(_ row: Row, parameters: CoreOp.TxnEarn.Parameters, original: String) throws
        -> Outcome
    {
        guard row["original"] as String == original else {
            return .reused(
                LoyaltyError(
                    .receiptReused,
                    "Receipt \(parameters.receipt) of till \(parameters.till) was already used for another sale; give this sale its own receipt number."
                ))
        }
        let state: String = row["state"]
        switch state {
        case "queued":
            return .replayed(
                QueuedEarnAnswer(
                    merchant: parameters.merchant, card: parameters.card, till: parameters.till,
                    receipt: parameters.receipt, at: row["at"], replayed: true))
        case "dead":
            let code = LoyaltyError.Code(rawValue: row["code"] ?? "") ?? .internalError
            return .refused(LoyaltyError(code, row["message"] ?? "The head office refused this earn."))
        default:
            let request: String = row["request"]
            return .delivered(try JSONDecoder().decode(CoreOp.TxnEarn.Parameters.self, from: Data(request.utf8)))
        }
    }

    /// The oldest earn still queued.
    public func oldest() throws -> Entry? {
        try database.read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT seq, request FROM earn WHERE state = 'queued' ORDER BY seq LIMIT 1")
            else { return nil }
            let request: String = row["request"]
            return Entry(
                seq: row["seq"],
                request: try JSONDecoder().decode(CoreOp.TxnEarn.Parameters.self, from: Data(request.utf8)))
        }
    }

    /// The core accepted the earn (or replayed it): it leaves the queue.
    public func markDelivered(_ seq: Int64, now: Date = Date()) throws {
        try database.write { db in
            try db.execute(
                sql: "UPDATE earn SET state = 'delivered', delivered_at = ? WHERE seq = ? AND state = 'queued'",
                arguments: [Self.timestamp(now), seq])
        }
    }

    /// The core refused the earn for good: kept aside with the refusal, never sent again.
    public func deadLetter(_ seq: Int64, _ error: LoyaltyError, now: Date = Date()) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE earn SET state = 'dead' WHERE seq = ? AND state = 'queued'", arguments: [seq])
            try db.execute(
                sql: "INSERT OR REPLACE INTO dead_letter (seq, code, message, refused_at) VALUES (?, ?, ?, ?)",
                arguments: [seq, error.code.rawValue, error.message, Self.timestamp(now)])
        }
    }

    /// How many earns are in each state.
    public func counts() throws -> (queued: Int, delivered: Int, dead: Int) {
        try database.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM earn GROUP BY state")
            var counts = (queued: 0, delivered: 0, dead: 0)
            for row in rows {
                switch row["state"] as String {
                case "queued": counts.queued = row["n"]
                case "delivered": counts.delivered = row["n"]
                default: counts.dead = row["n"]
                }
            }
            return counts
        }
    }

    public var depth: Int { (try? counts().queued) ?? 0 }
}

extension EarnQueue {
    /// The journal mode and `synchronous` level the queue runs with (wal, 2 = FULL), for tests
    /// and the technician.
    public func settings() throws -> (journalMode: String, synchronous: Int) {
        try database.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? 0
            )
        }
    }
}
