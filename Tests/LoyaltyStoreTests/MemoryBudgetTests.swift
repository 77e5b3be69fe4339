import Foundation
import GRDB
import GRDBSQLite
import LoyalgateProtocol
import LoyaltyDomain
import Testing

@testable import LoyaltyStore

/// A core at millions of cards keeps its SQLite memory within one budget: every connection's
/// page cache may grow to 64 MB, but once the process's SQLite heap reaches
/// `sqliteMemoryBudget` each recycles its own pages, rather than a writer and five readers each
/// filling 64 MB.
@Suite struct MemoryBudgetTests {
    static let shop = ProgramFile(
        merchant: .init(
            code: "bench", name: "Benchmark shop", currency: "EUR", timeZone: "Europe/Amsterdam", cardPrefix: "2800"),
        program: Program(points: .init(per: "1.00")))

    @Test func readingALedgerLargerThanTheBudgetKeepsSQLitesMemoryWithinIt() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "loyalgate-memory-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try LedgerDatabase(directory: directory)
        defer { try? database.close() }
        _ = try database.importProgram(Self.shop)
        // Over 64 MB of tables and indexes: more than the budget and more than one cache would hold.
        try database.seedForBenchmark(merchant: "bench", cards: 250_000, entriesPerCard: 2)
        let fileSize =
            try FileManager.default.attributesOfItem(
                atPath: directory.appendingPathComponent(LedgerFiles.databaseName).path)[.size] as? Int ?? 0
        let walSize =
            try FileManager.default.attributesOfItem(
                atPath: directory.appendingPathComponent(LedgerFiles.databaseName + "-wal").path)[.size] as? Int ?? 0
        #expect(fileSize + walSize > 64 * 1_048_576, "the ledger must not fit in one 64 MB cache")

        // Every page of every table and index, through the writer and through readers at once;
        // each connection answers with how much its page cache holds after the scan. (The
        // process-wide figure, sqlite3_memory_used, would count the other suites' databases too.)
        let scan = """
            SELECT (SELECT SUM(points) FROM ledger_entry) + (SELECT COUNT(*) FROM card)
                 + (SELECT SUM(points) FROM account) + (SELECT COUNT(DISTINCT number) FROM card)
                 + (SELECT COUNT(DISTINCT account_id) FROM ledger_entry)
            """
        @Sendable func scanned(_ db: Database) throws -> (total: Int?, cacheBytes: Int) {
            let total = try Int.fetchOne(db, sql: scan)
            var current: Int32 = 0
            var highest: Int32 = 0
            sqlite3_db_status(db.sqliteConnection, SQLITE_DBSTATUS_CACHE_USED, &current, &highest, 0)
            return (total, Int(current))
        }
        let written = try await database.write { db in try scanned(db) }
        var answers = [written]
        try await withThrowingTaskGroup(of: (total: Int?, cacheBytes: Int).self) { group in
            for _ in 0..<3 { group.addTask { try await database.read { db in try scanned(db) } } }
            for try await answer in group { answers.append(answer) }
        }
        let slack = 2 * 1024 * 1024  // the page being read when the limit was reached, and its neighbours
        for answer in answers {
            #expect(answer.total == written.total)
            #expect(
                answer.cacheBytes <= LedgerDatabase.sqliteMemoryBudget + slack,
                "one connection caches \(answer.cacheBytes / 1_048_576) MB of a \((fileSize + walSize) / 1_048_576) MB ledger"
            )
        }
        let total = written.total
        // The figures are still right with the smaller caches: 250,000 cards, 2 points each.
        #expect(total == 500_000 + 250_000 + 500_000 + 250_000 + 250_000)
    }
}
