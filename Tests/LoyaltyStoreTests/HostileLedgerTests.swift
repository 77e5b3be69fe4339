import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

/// What an unlucky shop or a hostile till can send to the ledger: balances at their limit,
/// entries moving the wrong way, (till, receipt) pairs reused for another customer.
@Suite struct HostileLedgerTests {
    /// Gives the card's account `points` points through a consistent earn entry, as years of
    /// earning would (quicker than thousands of earns), on either store.
    func give(_ ledger: StoreLedger, card: String, points: Int64, minor: Int64 = 0) throws {
        try ledger.tamper(
            """
            INSERT INTO ledger_entry (merchant_id, account_id, card_number, kind, points, amount_minor, at, recorded_at)
            SELECT merchant_id, account_id, number, 'earn', \(points), \(minor), '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
            FROM card WHERE number = '\(card)';
            UPDATE account SET points = points + \(points), balance_minor = balance_minor + \(minor)
            WHERE id = (SELECT account_id FROM card WHERE number = '\(card)');
            """)
    }

    @Test(arguments: StoreKind.available) func poolingTwoHugeBalancesIsRefusedAndChangesNothing(_ kind: StoreKind)
        async throws
    {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let (a, b) = (ledger.card("2990001", 1), ledger.card("2990001", 2))
        try await ledger.addCard(a)
        try await ledger.addCard(b)
        try give(ledger, card: a, points: Limits.balance - 10)
        try give(ledger, card: b, points: Limits.balance - 10)
        #expect(await errorCode { try await ledger.store.pool(merchant: nil, card: a, into: b) } == .outOfRange)
        #expect(try await ledger.store.lookup(merchant: nil, card: a).account.points == Limits.balance - 10)
        #expect(try await ledger.store.lookup(merchant: nil, card: b).account.points == Limits.balance - 10)
        #expect(try await ledger.verify().problems.isEmpty)
        // The ledger goes on: an ordinary earn on another card still works.
        let c = ledger.card("2990001", 3)
        try await ledger.addCard(c)
        #expect(try await ledger.earn(c, receipt: "R1", [SaleLineInput(sku: "a", amount: "5.00")]).points == 5)
        await ledger.close()
    }

    @Test(arguments: StoreKind.available) func anEarnPastTheBalanceLimitIsOutOfRangeAndNothingIsRecorded(
        _ kind: StoreKind
    ) async throws {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let card = ledger.card("2990001", 1)
        try await ledger.addCard(card)
        try give(ledger, card: card, points: Limits.balance - 3)
        #expect(
            await errorCode { try await ledger.earn(card, receipt: "R1", [SaleLineInput(sku: "a", amount: "5.00")]) }
                == .outOfRange)
        // Within the limit it still earns.
        #expect(try await ledger.earn(card, receipt: "R2", [SaleLineInput(sku: "a", amount: "3.00")]).points == 3)
        #expect(try await ledger.store.lookup(merchant: nil, card: card).account.points == Limits.balance)
        #expect(try await ledger.verify().problems.isEmpty)
        await ledger.close()
    }

    @Test(arguments: StoreKind.available) func verifyFlagsAnEntryThatMovesItsBalanceTheWrongWay(_ kind: StoreKind)
        async throws
    {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let card = ledger.card("2990001", 1)
        try await ledger.addCard(card)
        _ = try await ledger.earn(card, receipt: "R1", [SaleLineInput(sku: "a", amount: "42.00")])
        // A redeem that added points, as a negative minimumRedeem once let through: the sums agree.
        try ledger.tamper(
            """
            INSERT INTO ledger_entry (merchant_id, account_id, card_number, kind, points, amount_minor, at, recorded_at)
            VALUES (1, 1, '\(card)', 'redeem', 50, 0, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
            UPDATE account SET points = points + 50 WHERE id = 1;
            """)
        let problems = try await ledger.verify().problems
        #expect(problems.count == 1)
        #expect(problems.first?.contains("redeem of 50 points") == true, "\(problems)")
        await ledger.close()
    }

    @Test(arguments: StoreKind.available) func aReceiptReusedForAnotherCardIsRefusedAndAnIdenticalRetryReplays(
        _ kind: StoreKind
    ) async throws {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let (anna, bram) = (ledger.card("2990001", 1), ledger.card("2990001", 2))
        try await ledger.addCard(anna)
        try await ledger.addCard(bram)
        let lines = [SaleLineInput(sku: "a", amount: "42.00")]
        let first = try await ledger.earn(anna, receipt: "R1", lines)
        let retry = try await ledger.earn(anna, receipt: "R1", [SaleLineInput(sku: "a", amount: "42.0")])
        #expect(retry.replayed && retry.txn == first.txn && retry.account.points == 42)
        // Another card on the same (till, receipt) would have been shown Anna's balance.
        #expect(await errorCode { try await ledger.earn(bram, receipt: "R1", lines) } == .receiptReused)
        #expect(
            await errorCode { try await ledger.earn(anna, receipt: "R1", [SaleLineInput(sku: "a", amount: "99.00")]) }
                == .receiptReused)
        #expect(await errorCode { try await ledger.earn(anna, receipt: "R1", at: nil, lines) } == .receiptReused)
        _ = try await ledger.redeem(anna, receipt: "X1", points: 10)
        #expect(try await ledger.redeem(anna, receipt: "X1", points: 10).replayed)
        #expect(await errorCode { try await ledger.redeem(anna, receipt: "X1", points: 11) } == .receiptReused)
        #expect(await errorCode { try await ledger.redeem(bram, receipt: "X1", points: 10) } == .receiptReused)
        #expect(try await ledger.store.lookup(merchant: nil, card: bram).account.points == 0)
        await ledger.close()
    }

    /// Stores `file` as the merchant's next program version directly, as an older loyalgate
    /// without today's checks would have.
    func storeUnchecked(_ ledger: TestLedger, _ file: ProgramFile, version: Int) throws {
        let json = String(decoding: try JSONEncoder().encode(file), as: UTF8.self)
            .replacingOccurrences(of: "'", with: "''")
        try ledger.database.unsafeExecute(
            "INSERT INTO program_version (merchant_id, version, rules, created_at) VALUES (1, \(version), '\(json)', 'x')"
        )
    }

    @Test func aBadStoredProgramIsNeverUsedToMoveABalanceTheWrongWay() async throws {
        let ledger = try TestLedger(programs: ["dutch-pharmacy"])
        let card = ledger.card("2990001", 1)
        try ledger.addCard(card)
        _ = try await ledger.earn(card, receipt: "R1", [SaleLineInput(sku: "a", amount: "42.00")])
        var negative = try TestLedger.program("dutch-pharmacy")
        negative.program.points?.minimumRedeem = -100
        try storeUnchecked(ledger, negative, version: 2)
        // A redeem of -50 points under minimumRedeem -100 would have added 50 points.
        #expect(await errorCode { try await ledger.redeem(card, receipt: "X1", points: -50) } != nil)
        #expect(try await ledger.database.lookup(merchant: nil, card: card).account.points == 42)
        #expect(try ledger.database.verify().problems.isEmpty)
    }

    @Test func aStoredRateAboveOneHundredPercentKeepsWorking() async throws {
        let ledger = try TestLedger(programs: ["belgian-pharmacy"])
        let card = ledger.card("2755", 1)
        try ledger.addCard(card)
        var generous = try TestLedger.program("belgian-pharmacy")
        generous.program.discount?.defaultRate = Ratio("2")!
        #expect(throws: ProgramError.self) { try ledger.database.importProgram(generous) }
        try storeUnchecked(ledger, generous, version: 2)
        let earned = try await ledger.earn(card, receipt: "R1", [SaleLineInput(sku: "a", amount: "10.00")])
        #expect(earned.discount == "20.00")
    }

    @Test func nfcAndNfdSpellingsOfAReceiptAreOneReceipt() async throws {
        let ledger = try TestLedger(programs: ["dutch-pharmacy"])
        let card = ledger.card("2990001", 1)
        try ledger.addCard(card)
        let lines = [SaleLineInput(sku: "a", amount: "10.00")]
        let composed = try await ledger.earn(card, receipt: "Caf\u{E9}-1", till: "kass\u{E9}", lines)
        let decomposed = try await ledger.earn(card, receipt: "Cafe\u{301}-1", till: "kasse\u{301}", lines)
        #expect(decomposed.replayed && decomposed.txn == composed.txn)
        #expect(try await ledger.database.lookup(merchant: nil, card: card).account.points == 10)
    }
}
