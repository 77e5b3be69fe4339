import Foundation
import LoyalgateClient
import SocketServer
import Testbed
import Testing

/// A card's whole life and a customer's personal data, through the real core binary.
@Suite struct CardLifeTests {
    /// Sends one request and returns the answer as a dictionary.
    func ask(_ till: UnixLineClient, _ request: String) throws -> [String: Any] { json(try till.request(request)) }

    func earn(_ till: UnixLineClient, _ card: String, _ receipt: String, _ amount: String) throws -> [String: Any] {
        try ask(
            till,
            #"{"id":"\#(receipt)","op":"txn.earn","card":"\#(card)","till":"t1","receipt":"\#(receipt)","lines":[{"sku":"x","amount":"\#(amount)"}]}"#
        )
    }

    @Test func issuedActiveBlockedReplacedWithTheBalanceAndTheFee() throws {
        let core = CoreProcess()
        let old = card("2990001", 21)
        try core.setUp(programs: ["dutch-pharmacy"])
        #expect(try Loyalgate.run(["cards", "add", "--data", core.data, "--status", "issued", old]).status == 0)
        try core.start()
        let till = try core.client()

        #expect(
            errorCode(
                try till.request(
                    #"{"id":1,"op":"txn.earn","card":"\#(old)","till":"t1","receipt":"r0","lines":[{"sku":"x","amount":"5.00"}]}"#
                )) == "card-not-active")
        #expect(
            (try ask(till, #"{"id":2,"op":"card.activate","card":"\#(old)"}"#)["card"] as? [String: Any])?["status"]
                as? String == "active")
        #expect(try earn(till, old, "r1", "40.00")["points"] as? Int == 40)

        #expect(try ask(till, #"{"id":3,"op":"card.block","card":"\#(old)","reason":"lost"}"#)["ok"] as? Bool == true)
        #expect(
            errorCode(
                try till.request(
                    #"{"id":4,"op":"txn.earn","card":"\#(old)","till":"t1","receipt":"r2","lines":[{"sku":"x","amount":"5.00"}]}"#
                )) == "card-blocked")

        let replaced = try ask(till, #"{"id":5,"op":"card.replace","card":"\#(old)","reason":"lost"}"#)
        let new = (replaced["card"] as? [String: Any])?["number"] as? String ?? ""
        #expect(new.count == 13 && new != old)
        #expect((replaced["account"] as? [String: Any])?["points"] as? Int == 40)
        #expect((replaced["fee"] as? [String: Any])?["amount"] as? String == "2.00")
        #expect((replaced["fee"] as? [String: Any])?["paidFrom"] as? String == "till")

        // The balance is on the new card; the old number is retired for good.
        #expect(
            try earn(till, new, "r3", "10.00")["account"].flatMap { ($0 as? [String: Any])?["points"] as? Int } == 50)
        #expect(
            (try ask(till, #"{"id":6,"op":"card.lookup","card":"\#(old)"}"#)["card"] as? [String: Any])?["status"]
                as? String == "replaced")
        #expect(
            errorCode(
                try till.request(
                    #"{"id":7,"op":"txn.earn","card":"\#(old)","till":"t1","receipt":"r4","lines":[{"sku":"x","amount":"5.00"}]}"#
                )) == "card-blocked")
        #expect(
            errorCode(try till.request(#"{"id":8,"op":"card.replace","card":"\#(old)","reason":"lost"}"#))
                == "card-blocked")

        // The fee is an entry in the ledger, beside the earns, each with the card that made it.
        let entries =
            (try ask(till, #"{"id":9,"op":"account.history","card":"\#(new)"}"#)["entries"] as? [[String: Any]]) ?? []
        #expect(entries.map { $0["kind"] as? String ?? "" } == ["earn", "fee", "earn"])
        #expect(entries.map { $0["card"] as? String ?? "" } == [new, new, old])
        #expect(entries[1]["shortfallAmount"] as? String == "2.00")
        #expect(
            errorCode(
                try till.request(
                    #"{"id":10,"op":"card.replace","card":"\#(new)","reason":"worn","newCard":"\#(new.dropLast())\#((Int(String(new.last!))! + 1) % 10)"}"#
                )) == "invalid-card-number")
        let worn = try ask(till, #"{"id":11,"op":"card.replace","card":"\#(new)","reason":"worn"}"#)
        #expect(worn["fee"] is NSNull || worn["fee"] == nil)
        #expect(core.terminate() == 0)
        #expect(try Loyalgate.run(["core", "verify", "--data", core.data]).status == 0)
    }

    @Test func aCooperativeCardEarnsOnlyAfterItsActivationDelay() throws {
        let core = CoreProcess()
        let number = card("2910", 31)
        try core.setUp(programs: ["bulgarian-coop"])
        #expect(try Loyalgate.run(["cards", "add", "--data", core.data, "--status", "issued", number]).status == 0)
        try core.start()
        let till = try core.client()
        let activated = try ask(till, #"{"id":1,"op":"card.activate","card":"\#(number)"}"#)
        #expect((activated["card"] as? [String: Any])?["status"] as? String == "issued")
        #expect(activated["activeFrom"] is String)
        let refused = try till.request(
            #"{"id":2,"op":"txn.earn","card":"\#(number)","till":"t1","receipt":"r1","lines":[{"sku":"x","amount":"5.00"}]}"#
        )
        #expect(errorCode(refused) == "card-not-active")
        // A sale dated after the delay (a till catching up) earns.
        let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(25 * 3600))
        let earned = try ask(
            till,
            #"{"id":3,"op":"txn.earn","card":"\#(number)","till":"t1","receipt":"r2","at":"\#(later)","lines":[{"sku":"x","amount":"5.00"}]}"#
        )
        #expect(earned["points"] as? Int == 10)
    }

    @Test func aHouseholdPoolsAndSplitsAndTheLedgerShowsWhichCardEarned() throws {
        let core = CoreProcess()
        let anna = card("2990001", 41), boris = card("2990001", 42)
        try core.setUp(programs: ["dutch-pharmacy"], cards: [anna, boris])
        try core.start()
        let till = try core.client()
        _ = try earn(till, anna, "a1", "30.00")
        _ = try earn(till, boris, "b1", "12.00")

        let pooled = try ask(till, #"{"id":1,"op":"account.pool","card":"\#(boris)","into":"\#(anna)"}"#)
        #expect((pooled["account"] as? [String: Any])?["points"] as? Int == 42)
        #expect((pooled["cards"] as? [[String: Any]])?.count == 2)
        // Each card keeps its number; both earn onto the household account.
        _ = try earn(till, boris, "b2", "8.00")
        let lookup = try ask(till, #"{"id":2,"op":"card.lookup","card":"\#(anna)"}"#)
        #expect((lookup["account"] as? [String: Any])?["points"] as? Int == 50)
        let entries =
            (try ask(till, #"{"id":3,"op":"account.history","card":"\#(anna)"}"#)["entries"] as? [[String: Any]]) ?? []
        let earnedBy = entries.filter { $0["kind"] as? String == "earn" }.map {
            "\($0["card"] as? String ?? ""):\($0["points"] as? Int ?? 0)"
        }
        #expect(Set(earnedBy) == ["\(anna):30", "\(boris):8"])
        #expect(
            entries.contains {
                $0["kind"] as? String == "transfer-in" && $0["card"] as? String == boris && $0["points"] as? Int == 12
            })

        let split = try ask(till, #"{"id":4,"op":"account.split","card":"\#(boris)","points":10}"#)
        #expect((split["account"] as? [String: Any])?["points"] as? Int == 10)
        #expect(
            (try ask(till, #"{"id":5,"op":"card.lookup","card":"\#(anna)"}"#)["account"] as? [String: Any])?["points"]
                as? Int == 40)
        #expect(
            errorCode(try till.request(#"{"id":6,"op":"account.split","card":"\#(anna)","points":1000}"#))
                == "bad-request")
        #expect(core.terminate() == 0)
        #expect(try Loyalgate.run(["core", "verify", "--data", core.data]).status == 0)
    }
}
