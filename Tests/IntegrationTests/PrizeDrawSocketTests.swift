import Foundation
import LoyalgateClient
import LoyalgateProtocol
import LoyaltyDomain
import Testbed
import Testing

/// A prize draw over the real core's socket, on the core's real clock: a period that ends a few
/// seconds after the test starts, the seed committed before it ends, the draw after. The report
/// is rerun by `loyalgate draw verify` and by an independent Python implementation
/// (scripts/draw-verify.py), which must agree on the winners and on the seed's hash.
@Suite struct PrizeDrawSocketTests {
    @Test(arguments: StoreKind.available)
    func aDrawRerunFromItsRevealedSeedGivesTheSameWinners(store: StoreKind) throws {
        let core = CoreProcess()
        let cards = (41...44).map { card("2990001", $0) }
        try core.setUp(programs: ["dutch-pharmacy"], cards: cards)
        try core.start(on: store)
        let office = try core.typedClient()
        func refusal(_ body: () throws -> Void) -> String? {
            do {
                try body()
                return nil
            } catch {
                return (error as? LoyaltyError)?.message ?? "\(error)"
            }
        }
        let start = Date()
        let until = start.addingTimeInterval(8)
        let define = CoreOp.DrawDefine.Parameters(
            draw: "market", name: "Together at the market", from: Timestamp.format(start.addingTimeInterval(-3600)),
            until: Timestamp.format(until), per: "10.00", winners: 2)
        var late = define
        late.until = Timestamp.format(start.addingTimeInterval(-60))
        #expect(refusal { _ = try office.call(CoreOp.DrawDefine.self, late) }?.contains("already ended") == true)
        let defined = try office.call(CoreOp.DrawDefine.self, define)
        #expect(defined.state == "defined" && defined.seedHash == nil)
        #expect(
            refusal { _ = try office.call(CoreOp.DrawRun.self, .init(draw: "market")) }?.contains("no committed seed")
                == true)
        let committed = try office.call(CoreOp.DrawCommit.self, .init(draw: "market"))
        let hash = try #require(committed.seedHash)
        #expect(hash.count == 64 && committed.seed == nil, "the hash is published, the seed is not")
        #expect(
            refusal { _ = try office.call(CoreOp.DrawRun.self, .init(draw: "market")) }?.contains("draw it after that")
                == true)

        // Spend in the period: 55.00 (5 entries), 30.00 less a 10.00 return (2), 12.00 (1), 9.99 (none);
        // a sale dated after the period does not count.
        func earn(_ card: String, _ receipt: String, _ amount: String, at: String? = nil) throws {
            _ = try office.call(
                CoreOp.TxnEarn.self,
                .init(card: card, till: "t1", receipt: receipt, lines: [.init(sku: "x", amount: amount)], at: at))
        }
        try earn(cards[0], "1", "55.00")
        try earn(cards[1], "2", "30.00")
        try earn(cards[2], "3", "12.00")
        try earn(cards[3], "4", "9.99")
        try earn(cards[3], "5", "500.00", at: Timestamp.format(until.addingTimeInterval(86_400)))
        _ = try office.call(
            CoreOp.TxnReturn.self,
            .init(
                till: "t1", receipt: "r2", original: .init(till: "t1", receipt: "2"),
                lines: [.init(sku: "x", amount: "10.00")]))
        let before = try office.call(CoreOp.DrawReport.self, .init(draw: "market"))
        #expect(before.entries.map(\.card) == Array(cards.prefix(3)))
        #expect(before.entries.map(\.entries) == [5, 2, 1])
        #expect(before.csv.contains("seed-sha256,\(hash)") && !before.csv.contains("\nseed,"))

        Thread.sleep(until: until.addingTimeInterval(1.5))
        #expect(
            refusal { _ = try office.call(CoreOp.DrawCommit.self, .init(draw: "market")) }?.contains(
                "already committed") == true)
        let drawn = try office.call(CoreOp.DrawRun.self, .init(draw: "market"))
        #expect(drawn.state == "drawn" && drawn.seedHash == hash)
        let seed = try #require(drawn.seed)
        let winners = try #require(drawn.winningCards)
        #expect(winners.count == 2 && Set(winners).count == 2 && Set(winners).isSubset(of: Set(cards.prefix(3))))
        #expect(
            refusal { _ = try office.call(CoreOp.DrawRun.self, .init(draw: "market")) }?.contains("already drawn")
                == true)

        // The report, rerun by anyone.
        let report = try office.call(CoreOp.DrawReport.self, .init(draw: "market"))
        #expect(report.csv.contains("seed,\(seed)"))
        #expect(report.entries.filter { $0.won != nil }.sorted { $0.won! < $1.won! }.map(\.card) == winners)
        let path = core.data + "/draw-market.csv"
        try report.csv.write(toFile: path, atomically: true, encoding: .utf8)
        let verified = try Loyalgate.run(["draw", "verify", path])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.contains("the published commitment") && verified.stdout.contains("the winners match"))
        #expect(
            verified.stdout.contains("winner 1: \(winners[0])") && verified.stdout.contains("winner 2: \(winners[1])"))

        let python = try ChildProcess.run(
            "/usr/bin/python3", [Loyalgate.repository.appendingPathComponent("scripts/draw-verify.py").path, path])
        #expect(python.status == 0, "\(python.stderr)")
        #expect(python.stdout == "sha256 \(hash)\nwinner 1 \(winners[0])\nwinner 2 \(winners[1])\n")

        // Another seed: not the committed one, and (for this seed) other winners.
        let otherSeed = String(repeating: "0", count: 64)
        let other = try Loyalgate.run(["draw", "verify", path, "--seed", otherSeed])
        #expect(other.status == 1)
        #expect(other.stdout.contains("NOT the published commitment \(hash)"))
        // A report whose winners were changed after the draw is caught.
        let swapped = report.csv.split(separator: "\n").map { line -> String in
            guard cards.contains(where: { line.hasPrefix($0) }) else { return String(line) }
            if line.hasSuffix(",1") { return line.dropLast() + "2" }
            if line.hasSuffix(",2") { return line.dropLast() + "1" }
            return String(line)
        }.joined(separator: "\n")
        try swapped.write(toFile: path, atomically: true, encoding: .utf8)
        let tampered = try Loyalgate.run(["draw", "verify", path])
        #expect(tampered.status == 1 && tampered.stdout.contains("DIFFER"), "\(tampered.stdout)")
        #expect(core.terminate() == 0)
    }
}
