import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PostgresStore
import Testbed
import Testing

@Suite struct LedgerTests {
    @Test func commitsAreDurable() throws {
        let ledger = try TestLedger()
        #expect(try ledger.database.synchronousLevel() == 2)  // FULL
        let mode = try DatabaseQueue(path: ledger.directory.appendingPathComponent("loyalgate.sqlite").path)
            .read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func ledgerEntriesCannotBeChangedOrDeleted() throws {
        let ledger = try TestLedger(programs: ["dutch-pharmacy"])
        try ledger.addCard(ledger.card("2990001", 1))
        let path = ledger.directory.appendingPathComponent("loyalgate.sqlite").path
        let raw = try DatabaseQueue(path: path)
        try raw.write { db in
            try db.execute(
                sql:
                    "INSERT INTO ledger_entry (merchant_id, account_id, card_number, kind, points, amount_minor, at, recorded_at) VALUES (1, 1, '2990001000018', 'adjust', 5, 0, 'x', 'x')"
            )
        }
        #expect(throws: DatabaseError.self) {
            try raw.write { try $0.execute(sql: "UPDATE ledger_entry SET points = 500") }
        }
        #expect(throws: DatabaseError.self) { try raw.write { try $0.execute(sql: "DELETE FROM ledger_entry") } }
    }

    @Test(arguments: StoreKind.available) func verifyFindsABalanceThatDisagreesWithItsEntries(_ kind: StoreKind)
        async throws
    {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let card = ledger.card("2990001", 1)
        try await ledger.addCard(card)
        _ = try await ledger.earn(card, receipt: "R1", [SaleLineInput(sku: "a", amount: "42.00")])
        #expect(try await ledger.verify().problems.isEmpty)
        try ledger.tamper("UPDATE account SET points = points + 1000")
        let report = try await ledger.verify()
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.contains("1042 points") == true)
        await ledger.close()
    }

    @Test(arguments: StoreKind.available) func oldEntriesKeepTheRulesTheyWereMadeUnder(_ kind: StoreKind) async throws {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let card = ledger.card("2990001", 1)
        try await ledger.addCard(card)
        _ = try await ledger.earn(
            card, receipt: "R1", [SaleLineInput(sku: "a", amount: "40.00"), SaleLineInput(sku: "b", amount: "10.00")])
        // The pharmacy doubles its rate: version 2.
        var doubled = try TestLedger.program("dutch-pharmacy")
        doubled.program.points?.points = 2
        let imported = try await ledger.importProgram(doubled)
        #expect(imported.version == 2 && imported.created)
        #expect(try await ledger.importProgram(doubled).created == false)
        #expect(try await ledger.earn(card, receipt: "R2", [SaleLineInput(sku: "a", amount: "10.00")]).points == 20)
        // Returning a line of the first receipt takes back what version 1 gave for it: 40, not 80.
        let back = try await ledger.giveBack(
            receipt: "RET1", original: "R1", [SaleLineInput(sku: "a", amount: "40.00")])
        #expect(back.points == -40)
        let history = try await ledger.store.history(merchant: nil, card: card, limit: 10)
        #expect(history.entries.map(\.programVersion) == [1, 2, 1])
        await ledger.close()
    }

    @Test(arguments: StoreKind.available) func aReturnOfSpentPointsStopsAtZeroAndRecordsTheShortfall(_ kind: StoreKind)
        async throws
    {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let card = ledger.card("2990001", 1)
        try await ledger.addCard(card)
        _ = try await ledger.earn(card, receipt: "R1", [SaleLineInput(sku: "tv", amount: "130.00")])
        _ = try await ledger.redeem(card, receipt: "R2", reward: "REWARD-HANDCREAM")  // 30 left
        let back = try await ledger.giveBack(
            receipt: "RET", original: "R1", [SaleLineInput(sku: "tv", amount: "130.00")])
        #expect(back.points == -30)
        #expect(back.shortfall?.points == 100)
        #expect(back.account.points == 0)
        // Repeating the return changes nothing; a second return of the same goods is refused.
        #expect(
            try await ledger.giveBack(receipt: "RET", original: "R1", [SaleLineInput(sku: "tv", amount: "130.00")])
                .replayed)
        #expect(
            await errorCode {
                try await ledger.giveBack(receipt: "RET2", original: "R1", [SaleLineInput(sku: "tv", amount: "1.00")])
            } == .returnExceedsOriginal)
        #expect(
            await errorCode {
                try await ledger.giveBack(receipt: "RET3", original: "NOPE", [SaleLineInput(sku: "tv", amount: "1.00")])
            } == .unknownReceipt)
        #expect(try await ledger.verify().problems.isEmpty)
        await ledger.close()
    }

    @Test(arguments: StoreKind.available) func fiftyTillsRedeemingFromOneAccountNeverOverdrawIt(_ kind: StoreKind)
        async throws
    {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let card = ledger.card("2990001", 1)
        try await ledger.addCard(card)
        _ = try await ledger.earn(card, receipt: "R0", [SaleLineInput(sku: "a", amount: "100.00")])
        let outcomes = await withTaskGroup(of: LoyaltyError.Code?.self) { group in
            for till in 0..<50 {
                group.addTask {
                    await errorCode { try await ledger.redeem(card, receipt: "X", till: "till-\(till)", points: 7) }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == nil }.count == 14)  // 14 x 7 = 98
        #expect(outcomes.filter { $0 == .insufficientBalance }.count == 36)
        #expect(try await ledger.store.lookup(merchant: nil, card: card).account.points == 2)
        #expect(try await ledger.verify().problems.isEmpty)
        await ledger.close()
    }
}

/// Card batches at the store, on both stores (`StoreKind`): what `loyalgate cards batch` and the
/// core's back office rely on.
@Suite struct CardBatchTests {
    @Test(arguments: StoreKind.available) func aBatchAllocatesFreshIssuedNumbersThatAreNeverReused(_ kind: StoreKind)
        async throws
    {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        try await ledger.addCard(ledger.card("2990001", 1))  // registered by hand: must be skipped
        let first = try await ledger.batches.createBatch(merchant: nil, count: 3, design: "d.json", printer: nil)
        let second = try await ledger.batches.createBatch(merchant: nil, count: 2, design: "d.json", printer: nil)
        let numbers = (first.items + second.items).map(\.number)
        #expect(Set(numbers).count == 5)
        #expect(!numbers.contains(ledger.card("2990001", 1)))
        #expect(numbers.first == ledger.card("2990001", 0) && numbers.last == ledger.card("2990001", 5))
        #expect(try await ledger.store.lookup(merchant: nil, card: numbers[0]).card.status == .issued)
        #expect(first.state == .allocated && first.items.allSatisfy { !$0.printed })
        #expect(
            await errorCode { try await ledger.batches.createBatch(merchant: nil, count: 0, design: "d", printer: nil) }
                == .badRequest)
        #expect(
            await errorCode {
                try await ledger.batches.createBatch(merchant: nil, count: 1_000_000, design: "d", printer: nil)
            } == .badRequest)
        #expect(try await ledger.verify().problems.isEmpty)
        await ledger.close()
    }

    @Test(arguments: StoreKind.available) func printedCardsAreRememberedSoAResumePrintsOnlyTheRest(_ kind: StoreKind)
        async throws
    {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let batch = try await ledger.batches.createBatch(merchant: nil, count: 4, design: "d.json", printer: "cards")
        let firstTwo = batch.items.prefix(2).map(\.number)
        try await ledger.batches.markSubmitted(batch: batch.id, numbers: firstTwo, job: "chunk 1")
        #expect(try await ledger.batches.batch(id: batch.id).unprinted.map(\.job) == ["chunk 1", "chunk 1", nil, nil])
        try await ledger.batches.markPrinted(batch: batch.id, numbers: firstTwo, job: "cards-17")
        let resumed = try await ledger.batches.batch(id: batch.id)
        #expect(resumed.state == .printing)
        #expect(resumed.unprinted.map(\.number) == batch.items.suffix(2).map(\.number))
        try await ledger.batches.markPrinted(batch: batch.id, numbers: resumed.unprinted.map(\.number), job: "cards-18")
        #expect(try await ledger.batches.batch(id: batch.id).state == .completed)
        let summary = try #require(try await ledger.batches.batchSummaries(merchant: nil).first)
        #expect(summary.id == batch.id && summary.printed == 4 && summary.count == 4 && summary.state == .completed)
        #expect(summary.firstNumber == batch.items.first?.number && summary.lastNumber == batch.items.last?.number)
        await ledger.close()
    }

    @Test(arguments: StoreKind.available) func markingCardsPrintedTwiceChangesNothing(_ kind: StoreKind) async throws {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let batch = try await ledger.batches.createBatch(merchant: nil, count: 2, design: "d.json", printer: "cards")
        let numbers = batch.items.map(\.number)
        try await ledger.batches.markPrinted(batch: batch.id, numbers: numbers, job: "cards-1")
        let printed = try await ledger.batches.batch(id: batch.id)
        // A resumed run that settles the same job again, or another core doing so at once.
        try await ledger.batches.markPrinted(batch: batch.id, numbers: numbers, job: "cards-2")
        try await ledger.batches.markSubmitted(batch: batch.id, numbers: numbers, job: nil)
        #expect(try await ledger.batches.batch(id: batch.id) == printed)
        #expect(printed.state == .completed && printed.items.allSatisfy { $0.printed && $0.job == "cards-1" })
        #expect(try await ledger.batches.batchSummaries(merchant: nil).map(\.printed) == [2])
        await ledger.close()
    }

    @Test(arguments: StoreKind.available) func aReprintOfAReplacedCardPrintsTheCardThatReplacedIt(_ kind: StoreKind)
        async throws
    {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let batch = try await ledger.batches.createBatch(merchant: nil, count: 1, design: "d.json", printer: nil)
        let old = batch.items[0].number
        #expect(try await ledger.batches.cardToPrint(merchant: nil, card: old) == CardToPrint(chain: [(old, .issued)]))
        _ = try await ledger.store.activate(merchant: nil, card: old, customer: nil, at: Date())
        let first = try await ledger.store.replace(merchant: nil, card: old, reason: "worn", newCard: nil).card.number
        let second = try await ledger.store.replace(merchant: nil, card: first, reason: "lost", newCard: nil).card
            .number
        let target = try await ledger.batches.cardToPrint(merchant: nil, card: old)
        #expect(target.number == second && target.status == .active && target.replaced == [old, first])
        #expect(
            await errorCode { try await ledger.batches.cardToPrint(merchant: nil, card: ledger.card("2990001", 999)) }
                == .unknownCard)
        await ledger.close()
    }

    /// Two cores ordering batches at the same moment: each waits for the other's allocation,
    /// so no number is in both batches and every number is one card.
    @Test(arguments: StoreKind.available) func twoStoresCreatingBatchesAtOnceGetDisjointNumbers(_ kind: StoreKind)
        async throws
    {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let other: any CardBatchStore =
            if let url = ledger.url {
                try await PostgresLedger.connect(url: url)
            } else {
                try LedgerDatabase(directory: ledger.sqlite!.directory)
            }
        let batches = try await withThrowingTaskGroup(of: [String].self) { group in
            for round in 0..<8 {
                let store = round.isMultiple(of: 2) ? ledger.batches : other
                group.addTask {
                    try await store.createBatch(merchant: nil, count: 50, design: "d.json", printer: nil).items.map(
                        \.number)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let numbers = batches.flatMap { $0 }
        #expect(numbers.count == 400)
        #expect(Set(numbers).count == 400, "no number in two batches")
        #expect(try await ledger.batches.batchSummaries(merchant: nil).map(\.count) == Array(repeating: 50, count: 8))
        #expect(try await ledger.verify().problems.isEmpty)
        await (other as? PostgresLedger)?.close()
        await ledger.close()
    }
}
