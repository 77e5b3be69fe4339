import Foundation
import LoyalgateClient
import Testbed
import Testing

/// The real core binary, spoken to over its real Unix socket, on both stores (SQLite and
/// PostgreSQL: `StoreKind`).
@Suite struct CoreSocketTests {
    @Test(arguments: StoreKind.available) func aTillLooksUpEarnsAndRetriesOverTheSocket(_ kind: StoreKind) throws {
        let number = card("2990001", 7)
        let core = try StoreCore(kind, programs: ["dutch-pharmacy"], cards: [number])
        var info = stat()
        #expect(stat(core.socket, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)

        let till = try core.client()
        let lookup = json(try till.request(#"{"id":"a","op":"card.lookup","card":"\#(number)"}"#))
        #expect(lookup["id"] as? String == "a")
        #expect((lookup["card"] as? [String: Any])?["status"] as? String == "active")
        #expect(lookup.keys.contains("customer") && lookup.keys.contains("patientRef"))

        let earn =
            #"{"id":2,"op":"txn.earn","card":"\#(number)","till":"t1","receipt":"0001","lines":[{"sku":"x","amount":"17.95"}]}"#
        let first = json(try till.request(earn))
        #expect(first["ok"] as? Bool == true)
        #expect(first["points"] as? Int == 17)
        #expect((first["account"] as? [String: Any])?["balance"] as? String == "0.00")
        let again = json(try till.request(earn))
        #expect(again["replayed"] as? Bool == true)
        #expect((again["account"] as? [String: Any])?["points"] as? Int == 17)

        let wrong = json(try till.request(#"{"id":3,"op":"card.lookup","card":"\#(number.dropLast())0"}"#))
        #expect(number.last == "0" || (wrong["error"] as? [String: Any])?["code"] as? String == "invalid-card-number")
        #expect(core.terminate() == 0)
        #expect(!FileManager.default.fileExists(atPath: core.socket))
    }

    @Test(arguments: StoreKind.available) func malformedInputIsAnsweredAndTheConnectionSurvives(_ kind: StoreKind)
        throws
    {
        let number = card("2990001", 8)
        let core = try StoreCore(kind, programs: ["dutch-pharmacy"], cards: [number])
        let till = try core.client()
        let notJSON = json(try till.request("hello there"))
        #expect(errorCode(#"\#(notJSON["error"].map { _ in "x" } ?? "")"#) == nil)
        #expect((notJSON["error"] as? [String: Any])?["code"] as? String == "bad-request")
        #expect(notJSON["id"] is NSNull)

        try till.send([0xff, 0xfe, 0x00, 0x1b, 0x5b, 0x41, 0x0a])
        #expect(errorCode(try till.readLine()!) == "bad-request")
        #expect(errorCode(try till.request("[1,2,3]")) == "bad-request")
        #expect(errorCode(try till.request(#"{"id":5}"#)) == "bad-request")
        let missing = json(try till.request(#"{"id":6,"op":"txn.earn","card":"\#(number)"}"#))
        #expect(missing["id"] as? Int == 6)
        #expect(((missing["error"] as? [String: Any])?["message"] as? String)?.contains("till") == true)
        #expect(
            errorCode(
                try till.request(
                    #"{"id":7,"op":"txn.earn","card":"\#(number)","till":"t","receipt":"r","lines":[{"sku":"x","amount":12.5}]}"#
                )) == "bad-request")
        #expect(errorCode(try till.request(#"{"id":8,"op":"no.such.op"}"#)) == "unknown-op")
        // After all that, the same connection still works.
        #expect(json(try till.request(#"{"id":9,"op":"card.lookup","card":"\#(number)"}"#))["ok"] as? Bool == true)
    }

    @Test(arguments: StoreKind.available) func aLineOverTheLimitIsRefusedAndOnlyThatConnectionCloses(_ kind: StoreKind)
        throws
    {
        let core = try StoreCore(kind, programs: ["dutch-pharmacy"])
        let bystander = try core.client()
        let flooder = try core.client()
        try flooder.send(Array(repeating: UInt8(ascii: "a"), count: 70_000))
        let answer = try flooder.readLine()
        #expect(answer.map(errorCode) == "frame-too-large")
        #expect(try flooder.readLine() == nil)
        // Exactly at the limit is still a line, answered normally.
        let padded = #"{"id":1,"op":"core.status","pad":""#
        let atLimit = padded + String(repeating: "x", count: 65_536 - padded.utf8.count - 2) + #""}"#
        #expect(atLimit.utf8.count == 65_536)
        #expect(json(try bystander.request(atLimit))["ok"] as? Bool == true)
    }

    @Test(arguments: StoreKind.available) func answersComeInTheOrderOfTheRequests(_ kind: StoreKind) throws {
        let number = card("2990001", 9)
        let core = try StoreCore(kind, programs: ["dutch-pharmacy"], cards: [number])
        let till = try core.client()
        var burst = ""
        for index in 0..<200 {
            burst +=
                index % 2 == 0
                ? #"{"id":\#(index),"op":"txn.earn","card":"\#(number)","till":"t","receipt":"r\#(index)","lines":[{"sku":"x","amount":"1.00"}]}"#
                    + "\n"
                : #"{"id":\#(index),"op":"card.lookup","card":"\#(number)"}"# + "\n"
        }
        try till.send(Array(burst.utf8))
        for index in 0..<200 {
            #expect(json(try till.readLine() ?? "")["id"] as? Int == index)
        }
    }

    @Test(arguments: StoreKind.available) func fiftyTillsRedeemingFromOneAccountAtOnceNeverOverdrawIt(_ kind: StoreKind)
        throws
    {
        let number = card("2990001", 10)
        let core = try StoreCore(kind, programs: ["dutch-pharmacy"], cards: [number])
        _ = try core.client().request(
            #"{"id":1,"op":"txn.earn","card":"\#(number)","till":"t","receipt":"seed","lines":[{"sku":"x","amount":"100.00"}]}"#
        )
        let tills = try (0..<50).map { _ in try core.client() }
        let results = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 50) { index in
            let answer =
                (try? tills[index].request(
                    #"{"id":\#(index),"op":"txn.redeem","card":"\#(number)","till":"till-\#(index)","receipt":"x","points":7}"#
                )) ?? ""
            results.add(json(answer)["ok"] as? Bool == true ? "ok" : errorCode(answer) ?? "none")
        }
        #expect(results.values.filter { $0 == "ok" }.count == 14)
        #expect(results.values.filter { $0 == "insufficient-balance" }.count == 36)
        let account =
            json(try core.client().request(#"{"id":2,"op":"card.lookup","card":"\#(number)"}"#))["account"]
            as? [String: Any]
        #expect(account?["points"] as? Int == 2)
        #expect(core.terminate() == 0)
        let verify = try core.verify()
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ value: String) { lock.withLock { items.append(value) } }
    var values: [String] { lock.withLock { items } }
}
