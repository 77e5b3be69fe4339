import Foundation
import LoyalgateClient
import Testbed
import Testing

/// Prepaid cards, closed hours and typed card numbers through the real `loyalgate` binary and
/// its Unix socket, as tills and the technician's tools meet them (the tests that import a
/// program file of their own on SQLite only; the others on both stores, `StoreKind`).
@Suite struct PrepaidSocketTests {
    @Test(arguments: StoreKind.available)
    func fiftyTillsPayingFromOnePrepaidCardAtOnceNeverOverdrawIt(_ kind: StoreKind) throws {
        let number = card("2440001", 10)
        let core = try StoreCore(kind, programs: ["german-shop"], cards: [number])
        let loaded = json(
            try core.client().request(
                #"{"id":1,"op":"prepaid.load","card":"\#(number)","till":"kasse-0","receipt":"L1","amount":"100.00","tender":"cash"}"#
            ))
        #expect(loaded["prepaid"] as? String == "100.00")
        let tills = try (0..<50).map { _ in try core.client() }
        let results = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 50) { index in
            let answer =
                (try? tills[index].request(
                    #"{"id":\#(index),"op":"prepaid.pay","card":"\#(number)","till":"kasse-\#(index)","receipt":"S","amount":"7.00"}"#
                )) ?? ""
            results.add(json(answer)["ok"] as? Bool == true ? "ok" : errorCode(answer) ?? "none")
        }
        // 14 payments of 7.00 fit in 100.00; every other one is refused, none half-done.
        #expect(results.values.filter { $0 == "ok" }.count == 14)
        #expect(results.values.filter { $0 == "insufficient-balance" }.count == 36)
        let account =
            json(try core.client().request(#"{"id":2,"op":"card.lookup","card":"\#(number)"}"#))["account"]
            as? [String: Any]
        #expect(account?["prepaid"] as? String == "2.00")
        #expect(account?["balance"] as? String == "0.00" && account?["points"] as? Int == 0)
        let liability = json(try core.client().request(#"{"id":3,"op":"prepaid.liability"}"#))
        #expect(liability["outstanding"] as? String == "2.00" && liability["paid"] as? String == "98.00")
        #expect(core.terminate() == 0)
        let verify = try core.verify()
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
    }

    @Test func aPrepaidPaymentOnABelgianSundayIsRefusedWithTheSentence() throws {
        let core = CoreProcess()
        // The Belgian pharmacy's program, selling prepaid cards as well.
        let example = try Data(contentsOf: Loyalgate.examples.appendingPathComponent("belgian-pharmacy.json"))
        var file = try #require(try JSONSerialization.jsonObject(with: example) as? [String: Any])
        var program = try #require(file["program"] as? [String: Any])
        program["prepaid"] = ["maximumBalance": "150.00"]
        file["program"] = program
        let path = core.data + "-program.json"
        try JSONSerialization.data(withJSONObject: file).write(to: URL(fileURLWithPath: path))
        let imported = try Loyalgate.run(["program", "import", "--data", core.data, path])
        #expect(imported.status == 0, "\(imported.stderr)")
        let number = card("2755", 3)
        try core.setUp(programs: [], cards: [number])
        try core.start()
        let till = try core.client()
        let load =
            #"{"id":1,"op":"prepaid.load","card":"\#(number)","till":"t1","receipt":"L1","amount":"40.00","tender":"cash","at":"2026-11-27T10:00:00Z"}"#
        #expect(json(try till.request(load))["prepaid"] as? String == "40.00")
        // Sunday 29 November 2026, 11:00 in Brussels.
        let sunday = json(
            try till.request(
                #"{"id":2,"op":"prepaid.pay","card":"\#(number)","till":"t1","receipt":"S1","amount":"10.00","at":"2026-11-29T10:00:00Z"}"#
            ))
        let error = sunday["error"] as? [String: Any]
        #expect(error?["code"] as? String == "program-closed")
        #expect(error?["message"] as? String == "The card cannot pay now: the card is not valid on Sundays.")
        // Whit Monday 2026 comes from the BE calendar, not from a typed date.
        let holiday = json(
            try till.request(
                #"{"id":3,"op":"prepaid.pay","card":"\#(number)","till":"t1","receipt":"S2","amount":"10.00","at":"2026-05-25T10:00:00Z"}"#
            ))
        #expect(
            (holiday["error"] as? [String: Any])?["message"] as? String
                == "The card cannot pay now: the card is not valid on public holidays (Whit Monday).")
        // On Monday 30 November it pays.
        let monday = json(
            try till.request(
                #"{"id":4,"op":"prepaid.pay","card":"\#(number)","till":"t1","receipt":"S3","amount":"10.00","at":"2026-11-30T10:00:00Z"}"#
            ))
        #expect(monday["prepaid"] as? String == "30.00")
        #expect(core.terminate() == 0)
        #expect(try Loyalgate.run(["core", "verify", "--data", core.data]).status == 0)
    }

    @Test(arguments: StoreKind.available) func aCardTypedWithSpacesWorksInTheToolsAndOverTheSocket(_ kind: StoreKind)
        throws
    {
        // The technician adds the card as printed on it.
        let core = try StoreCore(kind, programs: ["dutch-pharmacy"], cards: ["2990 0010 0001 8"])
        let till = try core.client()
        let lookup = json(try till.request(#"{"id":1,"op":"card.lookup","card":"2990 0010 0001 8"}"#))
        #expect((lookup["card"] as? [String: Any])?["number"] as? String == "2990001000018")
        let earn = json(
            try till.request(
                #"{"id":2,"op":"txn.earn","card":"2990-0010-0001-8","till":"t1","receipt":"R1","lines":[{"sku":"x","amount":"17.95"}]}"#
            ))
        #expect(earn["card"] as? String == "2990001000018" && earn["points"] as? Int == 17)
        let wrong = try till.request(#"{"id":3,"op":"card.lookup","card":"2990.0010.0001.8"}"#)
        #expect(errorCode(wrong) == "invalid-card-number")
        #expect(core.terminate() == 0)
    }

    @Test func anOnDutyRosterFileNamedByTheProgramFileClosesTheCard() throws {
        let core = CoreProcess()
        let folder = core.data + "-files"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
        # on-duty service, Pharmacie du Parc
        from,until,reason
        2026-12-04T19:00,2026-12-05T09:00,the on-duty night service
        """.write(toFile: folder + "/duty.csv", atomically: true, encoding: .utf8)
        try #"""
        {"merchant":{"code":"pharmacie-b","name":"Pharmacie B","currency":"EUR","timeZone":"Europe/Brussels","cardPrefix":"2755"},
         "program":{"discount":{"rates":{},"defaultRate":"0.02"},"closed":{"holidays":"BE","dutyRoster":"duty.csv"}}}
        """#.write(toFile: folder + "/program.json", atomically: true, encoding: .utf8)
        let imported = try Loyalgate.run(["program", "import", "--data", core.data, folder + "/program.json"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let number = card("2755", 4)
        try core.setUp(programs: [], cards: [number])
        try core.start()
        let till = try core.client()
        // Friday 4 December 2026, 22:00 in Brussels: on duty.
        let night = try till.request(
            #"{"id":1,"op":"txn.earn","card":"\#(number)","till":"t1","receipt":"R1","lines":[{"sku":"x","amount":"10.00"}],"at":"2026-12-04T21:00:00Z"}"#
        )
        #expect(errorCode(night) == "program-closed")
        #expect(
            (json(night)["error"] as? [String: Any])?["message"] as? String
                == "No points for this sale: the card is not valid during the on-duty night service.")
        #expect(core.terminate() == 0)

        // A roster line that is not a period is refused by the tool, with its line number.
        try "2026-12-11T19:00;2026-12-12T09:00\n".write(toFile: folder + "/duty.csv", atomically: true, encoding: .utf8)
        let check = try Loyalgate.run(["program", "check", folder + "/program.json"])
        #expect(check.status != 0)
        #expect(check.stderr.contains("duty.csv line 1"), "\(check.stderr)")
    }
}
