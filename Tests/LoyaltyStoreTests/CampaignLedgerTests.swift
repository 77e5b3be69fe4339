import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

/// Campaigns and draws on both stores (SQLite and PostgreSQL), with "now" passed in as the core passes its clock:
/// a running campaign cancelled mid-window, and a draw's steps refused out of order; the
/// schema keeps a committed seed and a drawn result.
@Suite struct CampaignLedgerTests {
    func at(_ text: String) -> Date { Timestamp.parse(text)! }
    let serum = SaleLineInput(sku: "serum", amount: "20.00", brand: "Vichy")

    @Test(arguments: StoreKind.available)
    func cancellingARunningCampaignEndsItAtTheCurrentMinuteAndEarlierSalesKeepIt(kind: StoreKind) async throws {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let number = ledger.card("2990001", 61)
        try await ledger.addCard(number)
        let campaign = Program.Campaign(
            id: "vichy-march", name: "Double points on Vichy", from: "2030-03-01T00:00", until: "2030-03-15T00:00",
            multiplier: Ratio("2"), brands: ["Vichy"])
        _ = try await ledger.store.changeCampaigns(merchant: nil, .add(campaign), at: at("2030-02-20T12:00:00Z"))
        // Cancelled at 12:34 in Amsterdam on 5 March, while it runs: it now ends then.
        let cancelled = try await ledger.store.changeCampaigns(
            merchant: nil, .cancel("vichy-march"), at: at("2030-03-05T11:34:20Z"))
        #expect(cancelled.version == 3)
        #expect(cancelled.campaigns.map(\.campaign.until) == ["2030-03-05T12:34"])
        #expect(cancelled.campaigns.map(\.state) == ["ended"])
        // A sale a till sends late, made before the cancellation, keeps the campaign; one after it not.
        #expect(try await ledger.earn(number, receipt: "1", at: "2030-03-05T12:00:00+01:00", [serum]).points == 40)
        #expect(try await ledger.earn(number, receipt: "2", at: "2030-03-05T12:35:00+01:00", [serum]).points == 20)
        do {
            _ = try await ledger.store.changeCampaigns(
                merchant: nil, .cancel("vichy-march"), at: at("2030-03-06T10:00:00Z"))
            Issue.record("an ended campaign was cancelled again")
        } catch let error as LoyaltyError {
            #expect(error.message.contains("nothing to cancel"))
        }
        await ledger.close()
    }

    @Test(arguments: StoreKind.available)
    func aDrawsStepsComeInOrderAndItsSeedAndResultCannotBeChanged(kind: StoreKind) async throws {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let number = ledger.card("2990001", 62)
        try await ledger.addCard(number)
        let store = ledger.store
        let define = CoreOp.DrawDefine.Parameters(
            draw: "market", name: "Together at the market", from: "2030-03-01T00:00", until: "2030-04-01T00:00",
            per: "10.00", winners: 3)
        _ = try await store.defineDraw(define, at: at("2030-02-01T00:00:00Z"))
        func refused(_ body: () async throws -> Void) async -> String? {
            do {
                try await body()
                return nil
            } catch {
                return (error as? LoyaltyError)?.message
            }
        }
        #expect(
            await refused { _ = try await store.defineDraw(define, at: self.at("2030-02-01T00:00:00Z")) }?
                .contains("already exists") == true)
        // Committing after the period (ends 00:00 on 1 April in Amsterdam: 22:00 UTC on 31 March) is too late.
        #expect(
            await refused {
                _ = try await store.commitDraw(merchant: nil, draw: "market", at: self.at("2030-03-31T22:00:00Z"))
            }?
            .contains("has ended") == true)
        let committed = try await store.commitDraw(merchant: nil, draw: "market", at: at("2030-03-31T21:59:00Z"))
        // The commitment is kept by the schema itself, behind the store's back too.
        #expect(throws: (any Error).self) { try ledger.tamper("UPDATE prize_draw SET seed_hash = 'chosen'") }
        #expect(throws: (any Error).self) { try ledger.tamper("DELETE FROM prize_draw") }
        _ = try await ledger.earn(number, receipt: "1", at: "2030-03-10T10:00:00Z", [.init(sku: "x", amount: "35.00")])
        _ = try await ledger.earn(number, receipt: "2", at: "2030-04-01T10:00:00Z", [.init(sku: "x", amount: "99.00")])
        #expect(
            await refused {
                _ = try await store.runDraw(merchant: nil, draw: "market", at: self.at("2030-03-31T21:59:30Z"))
            }?
            .contains("draw it after that") == true)
        let drawn = try await store.runDraw(merchant: nil, draw: "market", at: at("2030-03-31T22:00:00Z"))
        #expect(drawn.winningCards == [number] && drawn.seedHash == committed.seedHash)
        let report = try await store.drawReport(merchant: nil, draw: "market")
        #expect(report.entries.map(\.entries) == [3], "35.00 in the period; the sale on 1 April is after it")

        #expect(throws: (any Error).self) {
            try ledger.tamper("UPDATE prize_draw SET seed = '00', winning_cards = '[]'")
        }
        #expect(throws: (any Error).self) { try ledger.tamper("DELETE FROM prize_draw") }
        let again = try await store.drawReport(merchant: nil, draw: "market")
        #expect(again.view.seed == drawn.seed && again.view.winningCards == [number])
        await ledger.close()
    }

    /// Entries are per card, as the report names its rows and winners: a card pooled into
    /// another household's account mid-period stays one row (with all its spending, before and
    /// after the pooling), its new account's card keeps its own, and the report reruns to the
    /// same winners (what `loyalgate draw verify` does).
    @Test(arguments: StoreKind.available)
    func aCardPooledMidPeriodIsOneRowAndTheReportVerifies(kind: StoreKind) async throws {
        let ledger = try await StoreLedger.open(kind, programs: ["dutch-pharmacy"])
        let moving = ledger.card("2990001", 63)
        let staying = ledger.card("2990001", 64)
        try await ledger.addCard(moving)
        try await ledger.addCard(staying)
        let store = ledger.store
        _ = try await store.defineDraw(
            .init(
                draw: "pooled", name: "Household draw", from: "2030-03-01T00:00", until: "2030-04-01T00:00",
                per: "10.00", winners: 3), at: at("2030-02-01T00:00:00Z"))
        _ = try await store.commitDraw(merchant: nil, draw: "pooled", at: at("2030-02-01T00:00:00Z"))
        _ = try await ledger.earn(moving, receipt: "1", at: "2030-03-05T10:00:00Z", [.init(sku: "x", amount: "35.00")])
        _ = try await ledger.earn(staying, receipt: "2", at: "2030-03-08T10:00:00Z", [.init(sku: "x", amount: "50.00")])
        _ = try await store.pool(merchant: nil, card: moving, into: staying)
        _ = try await ledger.earn(moving, receipt: "3", at: "2030-03-10T10:00:00Z", [.init(sku: "x", amount: "25.00")])
        let drawn = try await store.runDraw(merchant: nil, draw: "pooled", at: at("2030-03-31T22:00:00Z"))
        let report = try await store.drawReport(merchant: nil, draw: "pooled")
        #expect(report.entries.map(\.card) == [moving, staying], "\(report.entries)")
        #expect(report.entries.map(\.spent) == ["60.00", "50.00"] && report.entries.map(\.entries) == [6, 5])
        #expect(Set(drawn.winningCards ?? []) == [moving, staying])
        // The report as `loyalgate draw verify` reads it: its rows draw the winners it records.
        let file = try DrawReportFile.parse(report.csv)
        #expect(file.rows.filter { $0.won != nil }.count == 2)
        let seed = try #require(file.fields["seed"]?.first.flatMap { PrizeDraw.bytes(hex: $0) })
        let rerun = PrizeDraw.winners(
            entries: file.rows.map { PrizeDraw.Entry(card: $0.card, entries: $0.entries) }, seed: seed, count: 3)
        #expect(rerun == file.recordedWinners && rerun == drawn.winningCards)
        await ledger.close()
    }
}
