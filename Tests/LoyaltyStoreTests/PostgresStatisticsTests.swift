import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PostgresStore
import Testbed
import Testing

/// Statistics and segments where only PostgreSQL has something to prove: several cores rolling
/// up one database at once, and a shop's rollups and segments carried over by `loyalgate migrate`.
@Suite(.enabled(if: PostgresServer.unavailable == nil, "PostgreSQL 15 is not installed: scripts/install-deps"))
struct PostgresStatisticsTests {
    /// Two cores (two stores on one database) record sales and ask for reports at the same
    /// time, so their roll-ups run at once and while sales are in flight: every sale is counted
    /// exactly once, and both cores answer the same.
    @Test func twoCoresRollingUpAtOnceCountEachSaleOnce() async throws {
        let first = try await StatisticsTests.ledger(.postgres)
        let second = try await PostgresLedger.connect(url: try #require(first.url))
        let cards = (1...10).map { first.card("2990001", Int64($0)) }
        for card in cards { try await first.addCard(card) }
        let stores: [any LedgerStore] = [first.store, second]
        let now = try #require(Timestamp.parse("2026-04-02T10:00:00Z"))
        let sales = 200
        try await withThrowingTaskGroup(of: Void.self) { group in
            for core in 0..<2 {
                group.addTask {
                    for index in stride(from: core, to: sales, by: 2) {
                        _ = try await stores[core].earn(
                            .init(
                                card: cards[index % 10], till: "shop-\(core + 1)/till-1", receipt: "R\(index)",
                                lines: [
                                    SaleLineInput(
                                        sku: "v", amount: "\(index + 1).00", brand: "Vichy", category: "cosmetics")
                                ], at: "2026-03-02T10:00:00Z"))
                    }
                }
                group.addTask {
                    for _ in 0..<20 {
                        _ = try await stores[core].statistics(
                            merchant: nil, dimension: "brand", period: "2026-03", at: now)
                    }
                }
            }
            try await group.waitForAll()
        }
        let total = (1...sales).reduce(0, +)
        for store in stores {
            let brands = try await store.statistics(merchant: nil, dimension: "brand", period: "2026-03", at: now)
            let vichy = try #require(brands.groups.first { $0.value == "Vichy" })
            #expect(vichy.sales?.receipts == Int64(sales))
            #expect(vichy.sales?.amount == "\(total).00")
            #expect(vichy.buyers == 10)
            let shops = try await store.statistics(merchant: nil, dimension: "shop", period: "2026-03", at: now)
            #expect(shops.groups.compactMap(\.sales?.receipts).sorted() == [100, 100])
            #expect(shops.groups.compactMap(\.buyers).sorted() == [5, 5])
        }
        await second.close()
        await first.close()
    }

    /// A shop with statistics, a saved segment and a mailing moves onto the chain: every
    /// report, the segment and its members are the same there, the mailing is the same one
    /// (asked again with its key), and a sale on the chain counts on top.
    @Test func aMigratedShopsStatisticsAndSegmentsAnswerTheSameOnTheChain() async throws {
        let shop = try await StatisticsTests.ledger(.sqlite)
        let cards = try await StatisticsTests.fill(shop)
        let sqlite = try #require(shop.sqlite)
        let now = try #require(Timestamp.parse("2026-04-02T10:00:00Z"))
        let saved = try await shop.store.saveSegment(
            merchant: nil, name: "Members", filter: SegmentFilter(members: true), user: "owner", at: now)
        #expect(saved.count > 0)
        let mailing = try await shop.store.mailSegment(
            merchant: nil, segment: saved.id, subject: "Spring", text: "Hello", user: "owner", key: "spring", at: now)
        let dimensions = ["gender", "age", "area", "brand", "category", "shop", "points"]
        var before: [StatisticsAnswer] = []
        for dimension in dimensions {
            before.append(try await shop.store.statistics(merchant: nil, dimension: dimension, period: "2026", at: now))
        }
        let trend = try await shop.store.trend(merchant: nil, unit: "month", count: 4, at: now)
        let best = try await shop.store.bestCustomers(merchant: nil, limit: 20)
        let segments = try await shop.store.segments(merchant: nil, at: now)
        let members = try await shop.store.segmentMembers(
            merchant: nil, segment: saved.id, filter: nil, after: 0, limit: 100, at: now)
        try sqlite.database.close()

        let database = try PostgresServer.shared().database()
        let summary = try await ShopMigration.copy(from: sqlite.directory, to: database.url)
        #expect(summary.rows["segment"] == 1 && summary.rows["mailing"] == 1)
        #expect((summary.rows["stat_sales"] ?? 0) > 0)
        let chain = try await PostgresLedger.connect(
            url: database.url, keyPath: sqlite.directory.appendingPathComponent("keys/personal-data.key").path)
        for (dimension, answer) in zip(dimensions, before) {
            let moved = try await chain.statistics(merchant: nil, dimension: dimension, period: "2026", at: now)
            #expect(moved == answer, "\(dimension)")
        }
        #expect(try await chain.trend(merchant: nil, unit: "month", count: 4, at: now) == trend)
        #expect(try await chain.bestCustomers(merchant: nil, limit: 20) == best)
        #expect(try await chain.segments(merchant: nil, at: now) == segments)
        #expect(
            try await chain.segmentMembers(
                merchant: nil, segment: saved.id, filter: nil, after: 0, limit: 100, at: now) == members)
        #expect(
            try await chain.mailSegment(
                merchant: nil, segment: saved.id, subject: "Spring", text: "Hello", user: "owner", key: "spring",
                at: now) == mailing)

        let march = try await chain.statistics(merchant: nil, dimension: "brand", period: "2026-03", at: now)
        let receipts = try #require(march.groups.first { $0.value == "Vichy" }?.sales?.receipts)
        _ = try await chain.earn(
            .init(
                card: cards[5], till: "shop-1/till-1", receipt: "on-the-chain",
                lines: [SaleLineInput(sku: "v", amount: "10.00", brand: "Vichy", category: "cosmetics")],
                at: "2026-03-05T10:00:00Z"))
        let after = try await chain.statistics(merchant: nil, dimension: "brand", period: "2026-03", at: now)
        #expect(after.groups.first { $0.value == "Vichy" }?.sales?.receipts == receipts + 1)
        await chain.close()
    }
}
