import Foundation
import LoyalgateClient
import Testbed
import Testing

/// Vouchers, stamps and cardholder prices through the real `loyalgate` binary and its socket, on
/// both stores (SQLite and PostgreSQL: `StoreKind`).
@Suite struct CardKindSocketTests {
    @Test(arguments: StoreKind.available)
    func twoTillsRedeemingOneVoucherAtOnceOneWinsTheOtherHearsItWasUsed(_ kind: StoreKind) throws {
        let core = try StoreCore(kind, programs: ["german-shop"])
        let issued = json(
            try core.client().request(
                #"{"id":1,"op":"voucher.issue","till":"kasse-1","receipt":"G1","kind":"value","amount":"10.00"}"#))
        let voucher = try #require(issued["voucher"] as? [String: Any])
        let code = try #require(voucher["code"] as? String)
        #expect(code.hasPrefix("99") && code.count == 13 && voucher["state"] as? String == "valid")
        for round in 0..<5 {
            // Five rounds with a fresh voucher each: the race is run more than once.
            let code =
                round == 0
                ? code
                : try #require(
                    (json(
                        try core.client().request(
                            #"{"id":1,"op":"voucher.issue","till":"kasse-1","receipt":"G\#(round + 1)","kind":"value","amount":"10.00"}"#
                        ))["voucher"] as? [String: Any])?["code"] as? String)
            let tills = try (0..<2).map { _ in try core.client() }
            let answers = ResultBox()
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                answers.add(
                    (try? tills[index].request(
                        #"{"id":\#(index),"op":"voucher.redeem","code":"\#(code)","till":"kasse-\#(index + 2)","receipt":"B\#(round)","purchaseTotal":"30.00"}"#
                    )) ?? "")
            }
            let won = answers.values.filter { json($0)["ok"] as? Bool == true }
            let lost = answers.values.filter { errorCode($0) == "voucher-spent" }
            #expect(won.count == 1 && lost.count == 1, "\(answers.values)")
            #expect(won.first.map { json($0)["discount"] as? String } == "10.00")
            #expect(
                lost.first.map { (json($0)["error"] as? [String: Any])?["message"] as? String }
                    == "Voucher \(code) has already been used.")
        }
        // The code knows it is spent, and a voucher of no shop is refused in words.
        let looked = json(try core.client().request(#"{"id":9,"op":"voucher.lookup","code":"\#(code)"}"#))
        #expect(looked["state"] as? String == "spent" && looked["used"] as? Int == 1, "\(looked)")
        #expect(core.terminate() == 0)
        let verify = try core.verify()
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
    }

    @Test(arguments: StoreKind.available) func aQuoteThenAnEarnRecordsTheCardholderDiscountsApplied(_ kind: StoreKind)
        throws
    {
        let number = card("2910", 7)
        let core = try StoreCore(kind, programs: ["bulgarian-coop"], cards: [number])
        let till = try core.client()
        let quote = json(
            try till.request(
                #"{"id":1,"op":"txn.quote","card":"\#(number)","lines":[{"sku":"kiselo-mlyako","amount":"2.00","category":"dairy"},{"sku":"nails","amount":"3.00"}]}"#
            ))
        let lines = try #require(quote["lines"] as? [[String: Any]])
        #expect(lines.count == 1)
        #expect(lines.first?["discount"] as? String == "0.06" && lines.first?["basis"] as? String == "category")
        #expect(quote["discount"] as? String == "0.06" && quote["member"] as? Bool == false)
        let applied = String(decoding: try JSONSerialization.data(withJSONObject: lines), as: UTF8.self)
        let earn = json(
            try till.request(
                #"{"id":2,"op":"txn.earn","card":"\#(number)","till":"t1","receipt":"S1","lines":[{"sku":"kiselo-mlyako","amount":"1.94","category":"dairy"},{"sku":"nails","amount":"3.00"}],"applied":\#(applied)}"#
            ))
        #expect(earn["ok"] as? Bool == true, "\(earn)")
        let history = json(try till.request(#"{"id":3,"op":"account.history","card":"\#(number)"}"#))
        let entry = try #require((history["entries"] as? [[String: Any]])?.first)
        let kept = try #require(entry["applied"] as? [[String: Any]])
        #expect(kept.first?["sku"] as? String == "kiselo-mlyako" && kept.first?["discount"] as? String == "0.06")
        #expect(kept.first?["price"] as? String == "2.00")
    }

    @Test(arguments: StoreKind.available) func stampsOverTheSocketShowOnTheLookupAndTurnIntoTheReward(_ kind: StoreKind)
        throws
    {
        let number = card("2440001", 21)
        let core = try StoreCore(kind, programs: ["german-shop"], cards: [number])
        let till = try core.client()
        let sale =
            #"{"id":1,"op":"txn.earn","card":"\#(number)","till":"t1","receipt":"S1","lines":[{"sku":"latte","amount":"27.50","qty":11,"category":"coffee"}]}"#
        #expect(json(try till.request(sale))["stamps"] as? Int == 11)
        #expect(json(try till.request(sale))["replayed"] as? Bool == true)
        let lookup = json(try till.request(#"{"id":2,"op":"card.lookup","card":"\#(number)"}"#))
        let stampCard = try #require(lookup["stampCard"] as? [String: Any])
        #expect(
            stampCard["stamps"] as? Int == 11 && stampCard["needed"] as? Int == 10 && stampCard["rewards"] as? Int == 1)
        let reward = json(
            try till.request(#"{"id":3,"op":"stamps.redeem","card":"\#(number)","till":"t1","receipt":"X1"}"#))
        #expect(reward["balance"] as? Int == 1)
        #expect((reward["reward"] as? [String: Any])?["name"] as? String == "Gratis Kaffee")
        // A retry replays; a second reward with one stamp left is refused; returning 5 of the
        // 11 coffees takes back the stamp left, no more (the card stops at zero).
        let again = json(
            try till.request(#"{"id":4,"op":"stamps.redeem","card":"\#(number)","till":"t1","receipt":"X1"}"#))
        #expect(again["replayed"] as? Bool == true && again["txn"] as? Int == reward["txn"] as? Int)
        let refused = try till.request(
            #"{"id":5,"op":"stamps.redeem","card":"\#(number)","till":"t1","receipt":"X2"}"#)
        #expect(errorCode(refused) == "insufficient-balance", "\(refused)")
        let back = json(
            try till.request(
                #"{"id":6,"op":"txn.return","till":"t1","receipt":"RT1","original":{"till":"t1","receipt":"S1"},"lines":[{"sku":"latte","amount":"12.50","qty":5,"category":"coffee"}]}"#
            ))
        #expect(back["stamps"] as? Int == -1, "\(back)")
        #expect(core.terminate() == 0)
        let verify = try core.verify()
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
    }
}
