import Foundation
import Logging
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PersonalData
import PostgresNIO

/// The ledger on PostgreSQL, for a chain: several cores (one per shop, or several behind each
/// other) on one database, behind the same `LedgerStore` protocol as the SQLite store.
///
/// Each write op is one transaction at READ COMMITTED that first locks the account row it moves
/// (`SELECT ... FOR UPDATE`): two cores spending from one account wait for each other, and the
/// second reads the balance the first left, so no check can pass on a stale balance. The
/// schema's CHECK (balance >= 0) refuses an overdraft a bug might still let through. A (till,
/// receipt) has one row by a UNIQUE constraint; two cores posting the same one at once: the
/// second's insert fails on the constraint, its transaction rolls back and runs again, and then
/// finds and replays the first's answer. Commits are durable: every connection runs with
/// `synchronous_commit = on`, so COMMIT returns once the WAL is flushed.
public final class PostgresLedger: LedgerStore, Sendable {
    let client: PostgresClient
    let runner: Task<Void, Never>
    let logger: Logger
    let programs = RulesCache()
    let keys = CipherBox()

    /// Connects to `url` (`postgres://user[:password]@host[:port]/database`) and brings the
    /// schema up to date (as the owner; a core's role without DDL rights finds it current).
    ///
    /// With `keyPath`, customers' personal data is sealed and opened with that key file (as
    /// the SQLite store's `DATA/keys/personal-data.key`): created when the database has no
    /// key yet, refused when its fingerprint is not the one the database recorded (a migrated
    /// shop's key must come along). Without it the customer ops refuse.
    public static func connect(
        url: String, keyPath: String? = nil, logger: Logger = Logger(label: "loyalgate.postgres")
    ) async throws -> PostgresLedger {
        let ledger = try PostgresLedger(configuration: try Self.configuration(url: url), logger: logger)
        do {
            try await ledger.migrate()
            if let keyPath { try await ledger.openKey(path: keyPath) }
        } catch {
            await ledger.close()
            throw Self.described(error)
        }
        return ledger
    }

    init(configuration: PostgresClient.Configuration, logger: Logger) throws {
        // The pool warns when it is used before its run loop has started (the first migration,
        // at once): noise for the technician, so the pool speaks from errors up.
        var background = logger
        background.logLevel = .error
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        self.client = client
        self.logger = logger
        runner = Task { await client.run() }
    }

    /// `synchronous_commit` as the store's connections run with ("on": a commit waits for the
    /// WAL flush).
    public func synchronousCommit() async throws -> String {
        try await read { connection in
            try await connection.row("SHOW synchronous_commit", logger: self.logger)?.text("synchronous_commit") ?? "?"
        }
    }

    public func close() async {
        runner.cancel()
        _ = await runner.value
    }

    /// The client's settings from a connection string. TLS to the server is not offered yet: the
    /// database belongs on the chain's private network or on the cores' host (docs/chain.md).
    static func configuration(url text: String) throws -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql",
            let host = url.host, !host.isEmpty, let user = url.user, !user.isEmpty
        else {
            throw LoyaltyError(
                .badRequest,
                "\"\(text)\" is not a PostgreSQL connection string: write postgres://user[:password]@host[:port]/database."
            )
        }
        let database = String(url.path.drop(while: { $0 == "/" }))
        var configuration = PostgresClient.Configuration(
            host: host, port: url.port ?? 5432, username: user, password: url.password,
            database: database.isEmpty ? nil : database, tls: .disable)
        // Durable commits whatever the server's default: the till is answered after the WAL
        // is on disk.
        configuration.options.additionalStartupParameters = [("synchronous_commit", "on")]
        configuration.options.maximumConnections = 40
        return configuration
    }

    // MARK: - Transactions

    /// Runs `body` in one transaction, again (up to five times) when it lost a race that the
    /// database detected: a unique constraint another core's insert won (the next run replays
    /// its answer), a deadlock or a serialisation failure.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws
        -> T
    {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await client.withConnection { connection in
                    try await connection.query("BEGIN", logger: self.logger)
                    do {
                        let value = try await body(connection)
                        try await connection.query("COMMIT", logger: self.logger)
                        return value
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: self.logger)
                        throw error
                    }
                }
            } catch let error as PSQLError where attempt < 5 && Self.isRace(error) {
                continue
            }
        }
    }

    static func isRace(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        // unique_violation, serialization_failure, deadlock_detected
        return ["23505", "40001", "40P01"].contains(state)
    }

    /// A read of committed data, one statement after another on one connection.
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in try await body(connection) }
    }

    /// PostgreSQL's own words for what went wrong (PSQLError hides them from `description`, as
    /// they may hold data): for the technician at set-up, never sent to a till.
    public static func described(_ error: any Error) -> any Error {
        guard let error = error as? PSQLError else { return error }
        if let message = error.serverInfo?[.message] {
            return LoyaltyError(
                .internalError,
                "PostgreSQL refused: \(message) (SQLSTATE \(error.serverInfo?[.sqlState] ?? "?"))"
                    + (error.serverInfo?[.detail].map { ": \($0)" } ?? ""))
        }
        return LoyaltyError(.coreUnavailable, "PostgreSQL could not be reached: \(String(reflecting: error.code)).")
    }
}

/// The personal-data cipher, set once at connect.
final class CipherBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: PersonalDataCipher?

    func set(_ cipher: PersonalDataCipher) { lock.withLock { stored = cipher } }

    var cipher: PersonalDataCipher {
        get throws {
            guard let cipher = lock.withLock({ stored }) else {
                throw LoyaltyError(
                    .internalError,
                    "This core was started without the personal-data key: customers cannot be read or written.")
            }
            return cipher
        }
    }
}

/// Parsed programs by version id; a version never changes once stored.
final class RulesCache: @unchecked Sendable {
    private let lock = NSLock()
    private var rules: [Int64: EarningRules] = [:]

    func rules(versionID: Int64, load: () async throws -> EarningRules) async rethrows -> EarningRules {
        if let cached = lock.withLock({ rules[versionID] }) { return cached }
        let loaded = try await load()
        lock.withLock { rules[versionID] = loaded }
        return loaded
    }
}

// MARK: - Rows

extension PostgresConnection {
    /// Every row of `query`, for random access by column name.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        var rows: [PostgresRandomAccessRow] = []
        for try await row in try await self.query(query, logger: logger) { rows.append(row.makeRandomAccess()) }
        return rows
    }

    func row(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRandomAccessRow? {
        try await rows(query, logger: logger).first
    }

    func run(_ query: PostgresQuery, logger: Logger) async throws {
        for try await _ in try await self.query(query, logger: logger) {}
    }
}

extension PostgresRandomAccessRow {
    func int(_ column: String) throws -> Int64 { try self[column].decode(Int64.self) }
    func optionalInt(_ column: String) throws -> Int64? { try self[column].decode(Int64?.self) }
    func text(_ column: String) throws -> String { try self[column].decode(String.self) }
    func optionalText(_ column: String) throws -> String? { try self[column].decode(String?.self) }
    func bytes(_ column: String) throws -> Data? { try self[column].decode(Data?.self) }
}
