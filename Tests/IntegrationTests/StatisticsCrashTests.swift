import Foundation
import LoyalgateClient
import LoyalgateProtocol
import Testbed
import Testing

/// The statistics' rollups are written after a sale's commit, in a transaction of their own
/// with the watermark of the last sale they include. `kill -9` between the two must neither
/// lose a sale from the statistics nor count one twice.
@Suite struct StatisticsCrashTests {
    static let tables = [
        "SELECT * FROM stat_sales ORDER BY 1, 2, 3, 4",
        "SELECT * FROM stat_buyer ORDER BY 1, 2, 3, 4, 5",
        "SELECT * FROM stat_period ORDER BY 1, 2, 3, 4",
        "SELECT * FROM account_stats ORDER BY 1",
        "SELECT * FROM segment_brand ORDER BY 1, 2, 3",
    ]

    static func sqlite(_ core: CoreProcess, _ sql: String) throws -> String {
        let result = try ChildProcess.run("/usr/bin/sqlite3", [core.data + "/loyalgate.sqlite", sql])
        #expect(result.status == 0, "sqlite3: \(result.stderr)")
        return result.stdout
    }

    @Test func killNineBeforeTheRollUpLeavesRollupsEqualToARecompute() throws {
        let core = CoreProcess()
        let cards = (1...6).map { card("2990001", 20 + $0) }
        try core.setUp(programs: ["dutch-pharmacy"], cards: cards)
        try core.start()
        let till = try core.client()
        let brands = ["Vichy", "Avene", "Dafalgan"]
        var sales = 0
        for index in 0..<60 {
            let brand = brands[index % 3]
            let category = brand == "Dafalgan" ? "otc-medicine" : "cosmetics"
            let answer = json(
                try till.request(
                    #"{"id":\#(index),"op":"txn.earn","card":"\#(cards[index % 6])","till":"shop-\#(index % 2)/t","receipt":"r\#(index)","lines":[{"sku":"x","amount":"3.00","brand":"\#(brand)","category":"\#(category)"},{"sku":"y","amount":"1.50","brand":"Avene","category":"cosmetics"}]}"#
                ))
            #expect(answer["ok"] as? Bool == true, "\(answer)")
            sales += 1
        }
        // Right after the last answer: the writer waits for a quiet moment before it rolls up.
        core.kill9()
        usleep(100_000)
        let watermark =
            Int(
                try Self.sqlite(core, "SELECT value FROM meta WHERE key = 'statistics-rolled-up'")
                    .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        let lastSale =
            Int(
                try Self.sqlite(core, "SELECT MAX(id) FROM ledger_entry WHERE kind = 'earn'")
                    .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(watermark < lastSale, "the kill came after the roll-up; the test proves nothing")

        // The restart rolls up what the killed core had not: the back office's report counts
        // every answered sale once (Avene is on every receipt, and the brand of every third).
        try core.start()
        let report = try core.typedClient().call(CoreOp.ReportStatistics.self, .init(dimension: "brand"))
        let avene = report.groups.first { $0.value == "Avene" }
        #expect(avene?.sales?.receipts == Int64(sales) && avene?.sales?.amount == "150.00", "\(report)")
        #expect(core.terminate() == 0, "\(core.lastLog)")
        let rolledUp = try Self.tables.map { try Self.sqlite(core, $0) }
        #expect(
            try Self.sqlite(core, "SELECT SUM(txns), SUM(amount_minor) FROM stat_sales WHERE dim = 'all'")
                .trimmingCharacters(in: .whitespacesAndNewlines) == "\(sales)|\(sales * 450)")

        // A recompute from the ledger alone (the rollups and their markers removed) agrees row for row.
        _ = try Self.sqlite(
            core,
            """
            DELETE FROM stat_sales; DELETE FROM stat_buyer; DELETE FROM stat_period; DELETE FROM account_stats;
            DELETE FROM segment_brand; DELETE FROM meta WHERE key IN ('statistics-backfill', 'statistics-rolled-up');
            """)
        try core.start()
        #expect(core.terminate() == 0, "\(core.lastLog)")
        let recomputed = try Self.tables.map { try Self.sqlite(core, $0) }
        #expect(recomputed == rolledUp)
        #expect(!rolledUp[0].isEmpty)
    }
}
