import Foundation
import GRDB
import Logging
import LoyalgateProtocol
import LoyaltyStore
import PostgresNIO

/// Moves a shop's SQLite ledger onto a chain's PostgreSQL (`loyalgate migrate`): every table,
/// row for row with its ids, in one PostgreSQL transaction, so the copy is whole or absent.
/// Customers stay sealed: their ciphertext and keyed hashes are copied as bytes, never opened,
/// and the key's fingerprint comes along in `meta` (the key file itself goes to the cores'
/// hosts by hand, docs/chain.md).
public enum ShopMigration {
    public struct Summary: Sendable, Equatable {
        /// Rows copied per table, in copy order.
        public var rows: [String: Int]
    }

    /// Copies `folder/loyalgate.sqlite` into the (empty) database at `url`. A shop whose
    /// schema has migrations or tables this version's PostgreSQL schema does not hold is
    /// refused, and they are named, before anything is written.
    public static func copy(from folder: URL, to url: String, logger: Logger = Logger(label: "loyalgate.migrate"))
        async throws -> Summary
    {
        let path = folder.appendingPathComponent(LedgerFiles.databaseName).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw LoyaltyError(.badRequest, "There is no shop ledger at \(path).")
        }
        var configuration = Configuration()
        configuration.readonly = true
        let source = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? source.close() }
        let (tables, columns, withoutRowid) = try await source.read { db in
            let applied = Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
            let unknown = applied.subtracting(PostgresSchema.sqliteMigrations)
                .subtracting(PostgresSchema.sqliteOnlyMigrations.keys).sorted()
            let missing = Set(PostgresSchema.sqliteMigrations).subtracting(applied).sorted()
            guard unknown.isEmpty else {
                throw LoyaltyError(
                    .badRequest,
                    "This shop's ledger has migrations the PostgreSQL store does not hold yet: \(unknown.joined(separator: ", ")); nothing was copied."
                )
            }
            guard missing.isEmpty else {
                throw LoyaltyError(
                    .badRequest,
                    "This shop's ledger is older than this loyalgate (missing \(missing.joined(separator: ", "))): start its core once with this version to migrate it, then copy it."
                )
            }
            let tables = try String.fetchAll(
                db,
                sql:
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'"
            )
            for (migration, only) in PostgresSchema.sqliteOnlyMigrations.sorted(by: { $0.key < $1.key })
            where applied.contains(migration) {
                for (table, what) in only {
                    let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
                    guard rows > 0 else { continue }
                    throw LoyaltyError(
                        .badRequest,
                        "This shop's ledger holds \(what) (\(table)), which the PostgreSQL store does not hold yet; nothing was copied."
                    )
                }
            }
            let unsupported = Set(tables).subtracting(PostgresSchema.tablesInOrder)
                .subtracting(PostgresSchema.sqliteOnlyTables).sorted()
            guard unsupported.isEmpty else {
                throw LoyaltyError(
                    .badRequest,
                    "This shop's ledger has tables the PostgreSQL store does not hold: \(unsupported.joined(separator: ", ")); nothing was copied."
                )
            }
            var columns: [String: [String]] = [:]
            for table in tables {
                let skipped = PostgresSchema.sqliteOnlyColumns[table] ?? []
                columns[table] = try db.columns(in: table).map(\.name).filter { !skipped.contains($0) }
            }
            // The rollups' tables have no rowid (their primary key is their order).
            let withoutRowid = Set(
                try String.fetchAll(
                    db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%WITHOUT ROWID%'"))
            return (tables, columns, withoutRowid)
        }
        let ledger = try await PostgresLedger.connect(url: url, logger: logger)
        do {
            let summary = try await ledger.transaction { connection in
                let present = try await connection.row(
                    "SELECT (SELECT COUNT(*) FROM merchant) + (SELECT COUNT(*) FROM meta) AS n", logger: logger)
                guard try present?.int("n") == 0 else {
                    throw LoyaltyError(
                        .badRequest,
                        "The PostgreSQL database already holds a ledger: a shop is copied into an empty one (create it, `loyalgate core init`, then migrate)."
                    )
                }
                var summary = Summary(rows: [:])
                for table in PostgresSchema.tablesInOrder where tables.contains(table) {
                    let names = columns[table] ?? []
                    let rows = try source.read { db in
                        try Row.fetchAll(
                            db, sql: "SELECT * FROM \(table)" + (withoutRowid.contains(table) ? "" : " ORDER BY rowid"))
                    }
                    let sql =
                        "INSERT INTO \(table) (\(names.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES ("
                        + (1...max(1, names.count)).map { "$\($0)" }.joined(separator: ", ") + ")"
                    for row in rows {
                        var bindings = PostgresBindings()
                        for name in names {
                            switch (row[name] as DatabaseValue).storage {
                            case .null: bindings.appendNull()
                            case .int64(let value): bindings.append(value)
                            case .double(let value): bindings.append(value)
                            case .string(let value): bindings.append(value)
                            case .blob(let value): try bindings.append(value)
                            }
                        }
                        try await connection.run(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
                    }
                    if names.contains("id") && table != "meta" {
                        // The next id a core takes is past every copied one.
                        try await connection.run(
                            PostgresQuery(
                                unsafeSQL:
                                    "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM \(table)"
                            ), logger: logger)
                    }
                    summary.rows[table] = rows.count
                }
                return summary
            }
            await ledger.close()
            return summary
        } catch {
            await ledger.close()
            throw PostgresLedger.described(error)
        }
    }
}
