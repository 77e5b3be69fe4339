import ArgumentParser
import Foundation
import Logging
import LoyaltyStore
import PostgresStore

/// `loyalgate migrate --from DIR --to postgres://...`: a shop's SQLite ledger onto the chain's
/// PostgreSQL, then `verify` on both sides, which must agree.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract:
            "Copy a shop's SQLite ledger (cards, sealed customers, ledger, programs with their versions, batches) into an empty PostgreSQL database, then verify both."
    )

    @Option(help: "The shop's data directory (its loyalgate.sqlite). Stop its core first.")
    var from: String

    @Option(help: "The chain's empty PostgreSQL database: postgres://owner@host[:port]/database.")
    var to: String

    func run() async throws {
        let logger = Logger(label: "loyalgate.migrate")
        let folder = URL(fileURLWithPath: from)
        let summary = try await ShopMigration.copy(from: folder, to: to, logger: logger)
        for (table, count) in summary.rows.sorted(by: { $0.key < $1.key }) where count > 0 {
            print("copied \(count) \(table) rows")
        }
        let before = try LedgerDatabase(directory: folder).verify()
        let chain = try await PostgresLedger.connect(url: to, logger: logger)
        let after = try await chain.verifyReport()
        await chain.close()
        print(
            "SQLite:     \(before.accounts) accounts, \(before.transactions) till transactions, \(before.entries) ledger entries, \(before.problems.count) problems"
        )
        print(
            "PostgreSQL: \(after.accounts) accounts, \(after.transactions) till transactions, \(after.entries) ledger entries, \(after.problems.count) problems"
        )
        for problem in before.problems { print("SQLITE PROBLEM: \(problem)") }
        for problem in after.problems { print("POSTGRESQL PROBLEM: \(problem)") }
        guard before.problems.isEmpty, after.problems.isEmpty, before.accounts == after.accounts,
            before.entries == after.entries, before.transactions == after.transactions
        else {
            print("verify does not agree on both sides: keep the shop on SQLite and look into the problems above")
            throw ExitCode(1)
        }
        print("verify agrees on both sides: every balance equals the sum of its entries")
    }
}
