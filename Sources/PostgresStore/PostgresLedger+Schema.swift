import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import PostgresNIO

extension PostgresLedger {
    /// Applies the migrations not yet in `schema_migrations`, each in its own transaction,
    /// under an advisory lock so that cores starting together migrate once. A role that may
    /// not create tables (the core's own, `grantCore`) only checks that nothing is pending.
    func migrate() async throws {
        try await client.withConnection { connection in
            try await connection.run("BEGIN", logger: self.logger)
            do {
                try await connection.run("SELECT pg_advisory_xact_lock(7316001)", logger: self.logger)
                let exists = try await connection.row(
                    "SELECT to_regclass('schema_migrations') IS NOT NULL AS present", logger: self.logger)
                var applied: Set<String> = []
                if try exists?["present"].decode(Bool.self) == true {
                    for row in try await connection.rows("SELECT id FROM schema_migrations", logger: self.logger) {
                        applied.insert(try row.text("id"))
                    }
                } else {
                    try await connection.run(
                        "CREATE TABLE schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)",
                        logger: self.logger)
                }
                for migration in PostgresSchema.migrations where !applied.contains(migration.id) {
                    for statement in migration.statements {
                        try await connection.run(PostgresQuery(unsafeSQL: statement), logger: self.logger)
                    }
                    try await connection.run(
                        "INSERT INTO schema_migrations (id, applied_at) VALUES (\(migration.id), \(Timestamp.format(Date())))",
                        logger: self.logger)
                }
                try await connection.run("COMMIT", logger: self.logger)
            } catch {
                _ = try? await connection.run("ROLLBACK", logger: self.logger)
                throw error
            }
        }
    }

    /// Creates (if needed) the login role a core connects as and grants it what the ops need
    /// and no more: SELECT and INSERT everywhere, UPDATE on the tables whose rows change
    /// (balances, cards, customers, batches), and never UPDATE, DELETE or TRUNCATE on the
    /// append-only tables. Run by the database's owner (`loyalgate core init`).
    public func grantCore(role: String, password: String?) async throws {
        guard role.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
            throw LoyaltyError(
                .badRequest, "\"\(role)\" is not a role name loyalgate creates: use lower-case letters, digits and _.")
        }
        let quotedPassword = password.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" }
        try await client.withConnection { connection in
            let exists = try await connection.row(
                "SELECT 1 AS one FROM pg_roles WHERE rolname = \(role)", logger: self.logger)
            if exists == nil {
                try await connection.run(
                    PostgresQuery(
                        unsafeSQL: "CREATE ROLE \(role) LOGIN"
                            + (quotedPassword.map { " PASSWORD \($0)" } ?? "")),
                    logger: self.logger)
            } else if let quotedPassword {
                try await connection.run(
                    PostgresQuery(unsafeSQL: "ALTER ROLE \(role) PASSWORD \(quotedPassword)"), logger: self.logger)
            }
            let changing = PostgresSchema.tablesInOrder.filter { !PostgresSchema.appendOnlyTables.contains($0) }
            let statements = [
                "GRANT USAGE ON SCHEMA public TO \(role)",
                "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM \(role)",
                "GRANT SELECT ON schema_migrations TO \(role)",
                "GRANT SELECT, INSERT ON \(PostgresSchema.tablesInOrder.joined(separator: ", ")) TO \(role)",
                "GRANT UPDATE ON \(changing.joined(separator: ", ")) TO \(role)",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO \(role)",
                // A blank card handed out as a replacement takes the old card's account: its
                // own unused row goes (as on SQLite).
                "GRANT DELETE ON card TO \(role)",
                // An erased customer's coarse profile goes with the record (as on SQLite).
                "GRANT DELETE ON customer_profile TO \(role)",
            ]
            for statement in statements {
                try await connection.run(PostgresQuery(unsafeSQL: statement), logger: self.logger)
            }
        }
    }
}
