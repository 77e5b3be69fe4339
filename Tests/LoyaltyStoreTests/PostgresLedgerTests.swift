import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PostgresStore
import Testbed
import Testing

/// What only the PostgreSQL store has to prove: several stores (as several cores) on one
/// database, its durability setting, the append-only triggers.
@Suite(.enabled(if: PostgresServer.unavailable == nil, "PostgreSQL 15 is not installed: scripts/install-deps"))
struct PostgresLedgerTests {
    @Test func commitsWaitForTheWALFlush() async throws {
        let ledger = try await StoreLedger.open(.postgres)
        #expect(try await ledger.postgres!.synchronousCommit() == "on")
        await ledger.close()
    }

    @Test func twoStoresOnOneDatabaseAnswerOneReceiptOnce() async throws {
        let first = try await StoreLedger.open(.postgres, programs: ["dutch-pharmacy"])
        let url = try #require(first.url)
        let second = try await PostgresLedger.connect(url: url)
        let card = first.card("2990001", 1)
        try await first.addCard(card)
        let stores: [any LedgerStore] = [first.store, second]
        let answers = try await withThrowingTaskGroup(of: TxnAnswer.self) { group in
            for attempt in 0..<20 {
                group.addTask {
                    try await stores[attempt % 2].earn(
                        .init(
                            card: card, till: "till-1", receipt: "R1",
                            lines: [SaleLineInput(sku: "a", amount: "42.00")],
                            at: "2026-11-24T10:00:00Z"))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(answers.map(\.txn)).count == 1)
        #expect(answers.filter { !$0.replayed }.count == 1)
        #expect(try await second.lookup(merchant: nil, card: card).account.points == 42)
        #expect(try await first.verify().problems.isEmpty)
        await second.close()
        await first.close()
    }

    @Test func ledgerEntriesCannotBeChangedOrDeletedEvenByTheOwner() async throws {
        let ledger = try await StoreLedger.open(.postgres, programs: ["dutch-pharmacy"])
        let card = ledger.card("2990001", 1)
        try await ledger.addCard(card)
        _ = try await ledger.earn(card, receipt: "R1", [SaleLineInput(sku: "a", amount: "42.00")])
        for statement in [
            "UPDATE ledger_entry SET points = 500", "DELETE FROM ledger_entry", "TRUNCATE ledger_entry CASCADE",
        ] {
            #expect(throws: ChildProcess.Failure.self) {
                try ledger.server!.sql(statement, database: ledger.databaseName!, user: ledger.owner!)
            }
        }
        #expect(try await ledger.verify().problems.isEmpty)
        #expect(try await ledger.store.lookup(merchant: nil, card: card).account.points == 42)
        await ledger.close()
    }
}
