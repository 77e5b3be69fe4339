import Foundation
import LoyaltyStore
import Testing

/// The draw's algorithm: deterministic from the seed, different for another seed, weighted by
/// entries without replacement, and the same as the independent Python implementation in
/// scripts/draw-verify.py (the pinned winners below are what that script draws).
@Suite struct PrizeDrawTests {
    let entries = (1...40).map {
        PrizeDraw.Entry(card: "29900010" + String(format: "%05d", $0), entries: Int64($0 * 7 % 13))
    }
    let seedA = Data(0..<32)
    let seedB = Data(1..<33)

    @Test func theSameSeedDrawsTheSameWinnersAndAnotherSeedOthers() throws {
        let first = try #require(PrizeDraw.winners(entries: entries, seed: seedA, count: 5))
        #expect(first == ["2990001000018", "2990001000016", "2990001000005", "2990001000020", "2990001000027"])
        #expect(
            PrizeDraw.winners(entries: entries.reversed(), seed: seedA, count: 5) == first,
            "order of the list does not matter")
        let other = try #require(PrizeDraw.winners(entries: entries, seed: seedB, count: 5))
        #expect(other == ["2990001000033", "2990001000040", "2990001000001", "2990001000024", "2990001000036"])
        #expect(other != first)
        #expect(PrizeDraw.seedHash(seedA) == "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd")
        #expect(PrizeDraw.bytes(hex: PrizeDraw.hex(seedA)) == seedA)
    }

    @Test func noCardWinsTwiceAndCardsWithoutEntriesNever() throws {
        let few = [
            PrizeDraw.Entry(card: "A", entries: 3), PrizeDraw.Entry(card: "B", entries: 0),
            PrizeDraw.Entry(card: "C", entries: 1),
        ]
        for byte in 0..<50 {
            let winners = try #require(
                PrizeDraw.winners(entries: few, seed: Data(repeating: UInt8(byte), count: 32), count: 5))
            #expect(winners.sorted() == ["A", "C"])
        }
        // Weighted: over many seeds the card with 3 entries of 4 comes first about 3 times in 4.
        let firsts = (0..<400).compactMap { index -> String? in
            var seed = Data(count: 32)
            seed[0] = UInt8(index % 256)
            seed[1] = UInt8(index / 256)
            return PrizeDraw.winners(entries: few, seed: seed, count: 1)?.first
        }
        let share = Double(firsts.filter { $0 == "A" }.count) / Double(firsts.count)
        #expect((0.65...0.85).contains(share), "A first in \(share) of the draws")
    }

    @Test func theReportFileRoundTrips() throws {
        let file = DrawReportFile(
            fields: [
                "draw": ["market"], "name": ["Together, at the market"], "winners": ["2"],
                "seed-sha256": [PrizeDraw.seedHash(seedA)], "seed": [PrizeDraw.hex(seedA)],
            ],
            rows: [("2990001000018", "55.00", 5, 1), ("2990001000025", "12.00", 1, nil)])
        let read = try DrawReportFile.parse(file.csv)
        #expect(read == file)
        #expect(read.fields["name"] == ["Together, at the market"])
        #expect(read.recordedWinners == ["2990001000018"])
        #expect(throws: DrawFileError.self) { _ = try DrawReportFile.parse("draw,x\nno table here\n") }
    }
}
