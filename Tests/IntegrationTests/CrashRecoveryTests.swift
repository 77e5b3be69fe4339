import Foundation
import LoyalgateClient
import Testbed
import Testing

/// `kill -9` in the middle of a stream of earns: after a restart every answered earn is there
/// exactly once, and `verify` finds the ledger consistent.
@Suite struct CrashRecoveryTests {
    @Test func killNineDuringEarnsLosesNothingCommittedAndDoublesNothing() throws {
        let core = CoreProcess()
        let number = card("2990001", 11)
        try core.setUp(programs: ["dutch-pharmacy"], cards: [number])
        try core.start()

        let acknowledged = ResultBox()
        let socket = core.socket
        let streaming = Thread {
            guard let till = try? UnixLineClient(path: socket) else { return }
            for index in 0..<100_000 {
                let request =
                    #"{"id":\#(index),"op":"txn.earn","card":"\#(number)","till":"t","receipt":"r\#(index)","lines":[{"sku":"x","amount":"3.00"}]}"#
                guard let answer = try? till.request(request), json(answer)["ok"] as? Bool == true else { return }
                acknowledged.add("r\(index)")
            }
        }
        streaming.start()
        // Bounded: a core that stops answering fails the test instead of hanging it.
        let deadline = ContinuousClock.now + .seconds(60)
        while acknowledged.values.count < 150, ContinuousClock.now < deadline { usleep(2_000) }
        try #require(acknowledged.values.count >= 150, "fewer than 150 earns answered within 60 s")
        core.kill9()
        usleep(100_000)
        let answered = acknowledged.values
        #expect(answered.count >= 150)

        try core.start()
        let till = try core.client()
        // Every answered earn is committed: a retry replays it instead of earning again.
        for (index, receipt) in answered.enumerated() {
            let retry = json(
                try till.request(
                    #"{"id":\#(index),"op":"txn.earn","card":"\#(number)","till":"t","receipt":"\#(receipt)","lines":[{"sku":"x","amount":"3.00"}]}"#
                ))
            #expect(retry["replayed"] as? Bool == true, "\(receipt) was answered but is gone")
        }
        let history = json(try till.request(#"{"id":"h","op":"account.history","card":"\#(number)","limit":1000}"#))
        let entries = (history["entries"] as? [[String: Any]]) ?? []
        let receipts = entries.compactMap { $0["receipt"] as? String }
        #expect(Set(receipts).count == receipts.count, "an earn was recorded twice")
        // At most the one earn in flight at the kill may have committed without its answer arriving.
        #expect(receipts.count == answered.count || receipts.count == answered.count + 1)
        let points =
            (json(try till.request(#"{"id":"l","op":"card.lookup","card":"\#(number)"}"#))["account"] as? [String: Any])?[
                "points"] as? Int
        #expect(points == receipts.count * 3)
        #expect(core.terminate() == 0)

        let verify = try Loyalgate.run(["core", "verify", "--data", core.data])
        #expect(verify.status == 0)
        #expect(verify.stdout.contains("ledger consistent"))
    }

    @Test func verifyReportsABalanceThatWasTamperedWith() throws {
        let core = CoreProcess()
        let number = card("2990001", 12)
        try core.setUp(programs: ["dutch-pharmacy"], cards: [number])
        try core.start()
        _ = try core.client().request(
            #"{"id":1,"op":"txn.earn","card":"\#(number)","till":"t","receipt":"r","lines":[{"sku":"x","amount":"25.00"}]}"#
        )
        #expect(core.terminate() == 0)
        #expect(
            try ChildProcess.run(
                "/usr/bin/sqlite3", [core.data + "/loyalgate.sqlite", "UPDATE account SET points = 999"]
            ).status == 0)
        let verify = try Loyalgate.run(["core", "verify", "--data", core.data])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("DIFFERENCE: account 1: holds 999 points"))
    }
}
