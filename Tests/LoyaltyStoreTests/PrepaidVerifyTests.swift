import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

/// `loyalgate core verify` checks prepaid money as it checks points and discount: balances
/// against entries, entries against their kinds, one entry per prepaid transaction.
@Suite struct PrepaidVerifyTests {
    func shop(_ kind: StoreKind) async throws -> (StoreLedger, String) {
        let ledger = try await StoreLedger.open(kind, programs: ["german-shop"])
        let card = ledger.card("2440001", 1)
        try await ledger.addCard(card)
        _ = try await ledger.store.prepaidLoad(
            .init(card: card, till: "k", receipt: "L1", amount: "30.00", tender: "cash"))
        #expect(try await ledger.verify().problems.isEmpty)
        return (ledger, card)
    }

    @Test(arguments: StoreKind.available) func aPrepaidBalanceThatDisagreesWithItsEntriesIsReported(_ kind: StoreKind)
        async throws
    {
        let (ledger, _) = try await shop(kind)
        try ledger.tamper("UPDATE account SET prepaid_minor = prepaid_minor + 500")
        let problems = try await ledger.verify().problems
        #expect(problems.count == 1)
        #expect(problems.first?.contains("3500 minor units of prepaid, its entries sum to") == true, "\(problems)")
    }

    @Test(arguments: StoreKind.available) func aPaymentThatAddedMoneyOrAnEarnThatMovedPrepaidIsReported(
        _ kind: StoreKind
    ) async throws {
        let (ledger, card) = try await shop(kind)
        // The sums agree: each is found by its kind alone.
        try ledger.tamper(
            """
            INSERT INTO ledger_entry (merchant_id, account_id, card_number, kind, points, amount_minor, prepaid_minor, at, recorded_at)
            VALUES (1, 1, '\(card)', 'prepaid-pay', 0, 0, 700, 'x', 'x'),
                   (1, 1, '\(card)', 'earn', 0, 0, 100, 'x', 'x'),
                   (1, 1, '\(card)', 'prepaid-load', 0, 100, 0, 'x', 'x');
            UPDATE account SET prepaid_minor = prepaid_minor + 800, balance_minor = balance_minor + 100;
            """)
        let problems = try await ledger.verify().problems
        #expect(problems.count == 3, "\(problems)")
        #expect(
            problems.contains { $0.contains("a prepaid-pay of 0 points, 0 minor units and 700 minor units of prepaid") }
        )
        #expect(problems.contains { $0.contains("earn of 0 points, 0 minor units and 100 minor units of prepaid") })
        #expect(problems.contains { $0.contains("a prepaid-load of 0 points, 100 minor units") })
    }

    @Test(arguments: StoreKind.available) func aPrepaidTransactionWithoutItsEntryIsReported(_ kind: StoreKind)
        async throws
    {
        let (ledger, _) = try await shop(kind)
        try ledger.tamper(
            """
            INSERT INTO prepaid_txn (merchant_id, till, receipt, kind, account_id, card_number, amount_minor, answer, request_digest, at)
            SELECT merchant_id, till, 'L2', kind, account_id, card_number, amount_minor, answer, request_digest, at
            FROM prepaid_txn WHERE receipt = 'L1'
            """)
        let problems = try await ledger.verify().problems
        #expect(problems == ["prepaid transaction 2 has 0 ledger entries instead of one"])
    }

    @Test(arguments: StoreKind.available) func theSchemaRefusesANegativePrepaidBalance(_ kind: StoreKind) async throws {
        let (ledger, _) = try await shop(kind)
        #expect(throws: (any Error).self) {
            try ledger.tamper("UPDATE account SET prepaid_minor = -1")
        }
    }
}
