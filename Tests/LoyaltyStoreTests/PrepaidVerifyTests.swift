import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import Testing

/// `loyalgate core verify` checks prepaid money as it checks points and discount: balances
/// against entries, entries against their kinds, one entry per prepaid transaction.
@Suite struct PrepaidVerifyTests {
    func shop() async throws -> (TestLedger, String) {
        let ledger = try TestLedger(programs: ["german-shop"])
        let card = ledger.card("2440001", 1)
        try ledger.addCard(card)
        _ = try await ledger.database.prepaidLoad(
            .init(card: card, till: "k", receipt: "L1", amount: "30.00", tender: "cash"))
        #expect(try ledger.database.verify().problems.isEmpty)
        return (ledger, card)
    }

    @Test func aPrepaidBalanceThatDisagreesWithItsEntriesIsReported() async throws {
        let (ledger, _) = try await shop()
        try ledger.database.unsafeExecute("UPDATE account SET prepaid_minor = prepaid_minor + 500")
        let problems = try ledger.database.verify().problems
        #expect(problems.count == 1)
        #expect(problems.first?.contains("3500 minor units of prepaid, its entries sum to") == true, "\(problems)")
    }

    @Test func aPaymentThatAddedMoneyOrAnEarnThatMovedPrepaidIsReported() async throws {
        let (ledger, card) = try await shop()
        // The sums agree: each is found by its kind alone.
        try ledger.database.unsafeExecute(
            """
            INSERT INTO ledger_entry (merchant_id, account_id, card_number, kind, points, amount_minor, prepaid_minor, at, recorded_at)
            VALUES (1, 1, '\(card)', 'prepaid-pay', 0, 0, 700, 'x', 'x'),
                   (1, 1, '\(card)', 'earn', 0, 0, 100, 'x', 'x'),
                   (1, 1, '\(card)', 'prepaid-load', 0, 100, 0, 'x', 'x');
            UPDATE account SET prepaid_minor = prepaid_minor + 800, balance_minor = balance_minor + 100;
            """)
        let problems = try ledger.database.verify().problems
        #expect(problems.count == 3, "\(problems)")
        #expect(
            problems.contains { $0.contains("a prepaid-pay of 0 points, 0 minor units and 700 minor units of prepaid") }
        )
        #expect(problems.contains { $0.contains("earn of 0 points, 0 minor units and 100 minor units of prepaid") })
        #expect(problems.contains { $0.contains("a prepaid-load of 0 points, 100 minor units") })
    }

    @Test func aPrepaidTransactionWithoutItsEntryIsReported() async throws {
        let (ledger, _) = try await shop()
        try ledger.database.unsafeExecute(
            """
            INSERT INTO prepaid_txn (merchant_id, till, receipt, kind, account_id, card_number, amount_minor, answer, request_digest, at)
            SELECT merchant_id, till, 'L2', kind, account_id, card_number, amount_minor, answer, request_digest, at
            FROM prepaid_txn WHERE receipt = 'L1'
            """)
        let problems = try ledger.database.verify().problems
        #expect(problems == ["prepaid transaction 2 has 0 ledger entries instead of one"])
    }

    @Test func theSchemaRefusesANegativePrepaidBalance() async throws {
        let (ledger, _) = try await shop()
        #expect(throws: (any Error).self) {
            try ledger.database.unsafeExecute("UPDATE account SET prepaid_minor = -1")
        }
    }
}
