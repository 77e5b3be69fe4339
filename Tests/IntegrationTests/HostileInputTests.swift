import Foundation
import LoyalgateClient
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

/// The real binaries tried as an attacker on the shop PC and as an unlucky shop would: program
/// files that overflow, users without a rule, group memberships, another merchant's till, odd
/// receipt numbers and times, and replays with another card. Other users are real: the request
/// is sent by `loyalgate till send` started through setpriv with another uid and groups.
@Suite struct HostileInputTests {
    /// Runs `loyalgate ARGS` as `uid` (gid the same) with `groups` as its supplementary groups.
    static func runAs(uid: UInt32, groups: [UInt32] = [], _ arguments: [String]) throws -> Loyalgate.Output {
        try ChildProcess.run(
            "/usr/bin/setpriv",
            ["--reuid=\(uid)", "--regid=\(uid)"]
                + (groups.isEmpty ? ["--clear-groups"] : ["--groups=\(groups.map(String.init).joined(separator: ","))"])
                + [Loyalgate.binary] + arguments)
    }

    /// The answer line a request sent as `uid` gets from `socket`.
    static func ask(_ socket: String, uid: UInt32, groups: [UInt32] = [], _ request: String) throws -> [String: Any] {
        let output = try runAs(uid: uid, groups: groups, ["till", "send", "--socket", socket, request])
        let answer = json(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        // What went wrong, for the failure message, when there is no answer.
        return answer.isEmpty ? ["stderr": output.stderr, "status": output.status] : answer
    }

    /// The socket is the till software's group's (0660); the test stands in for that group by
    /// opening it (and its folder) to the test users, once `process` has logged "listening":
    /// the server sets the socket's mode after it accepts, so a change made before would be
    /// undone.
    static func openToOtherUsers(_ socket: String, of process: ChildProcess?) {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let logs = [process?.stdoutPath, process?.stderrPath].compactMap { $0 }
                .map { (try? String(contentsOfFile: $0, encoding: .utf8)) ?? "" }
            if logs.contains(where: { $0.contains("listening") }) { break }
            usleep(20_000)
        }
        chmod((socket as NSString).deletingLastPathComponent, 0o755)
        chmod(socket, 0o666)
    }

    static let isRoot = getuid() == 0

    func programFile(_ core: CoreProcess, _ name: String, _ edit: (inout String) -> Void) throws -> String {
        var text = try String(
            contentsOf: Loyalgate.examples.appendingPathComponent("dutch-pharmacy.json"), encoding: .utf8)
        edit(&text)
        let path = core.data + "/\(name).json"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func programCheckRefusesAnOverflowingProgramAndANegativeMinimumRedeem() throws {
        let core = CoreProcess()
        let base = try String(
            contentsOf: Loyalgate.examples.appendingPathComponent("dutch-pharmacy.json"), encoding: .utf8)
        #expect(base.contains(#""per": "1.00""#) && base.contains("\"points\": 1\n"))
        let overflow = try programFile(core, "overflow") {
            $0 = $0.replacingOccurrences(of: #""per": "1.00""#, with: #""per": "0.01""#)
                .replacingOccurrences(of: "\"points\": 1\n", with: "\"points\": 1000000\n")
        }
        let checked = try Loyalgate.run(["program", "check", overflow])
        #expect(checked.status != 0)
        #expect((checked.stderr + checked.stdout).contains("more than an account can hold"), "\(checked.stderr)")
        let imported = try Loyalgate.run(["program", "import", "--data", core.data, overflow])
        #expect(imported.status != 0)

        let negative = try programFile(core, "negative") {
            $0 = $0.replacingOccurrences(of: "\"points\": 1\n", with: "\"points\": 1, \"minimumRedeem\": -100\n")
        }
        let refused = try Loyalgate.run(["program", "check", negative])
        #expect(refused.status != 0)
        #expect((refused.stderr + refused.stdout).contains("points.minimumRedeem"), "\(refused.stderr)")
        #expect(
            try Loyalgate.run([
                "program", "check", Loyalgate.examples.appendingPathComponent("dutch-pharmacy.json").path,
            ]).status == 0)
    }

    @Test func aHouseholdPoolOfTwoHugeBalancesIsRefusedAndTheCoreGoesOn() throws {
        let core = CoreProcess()
        let (a, b) = (card("2990001", 71), card("2990001", 72))
        try core.setUp(programs: ["dutch-pharmacy"], cards: [a, b])
        // Two accounts near the limit, consistent with their entries (years of a big client).
        let database = try LedgerDatabase(directory: URL(fileURLWithPath: core.data))
        for number in [a, b] {
            try database.unsafeExecute(
                """
                INSERT INTO ledger_entry (merchant_id, account_id, card_number, kind, points, amount_minor, at, recorded_at)
                SELECT merchant_id, account_id, number, 'earn', \(Limits.balance - 1), 0, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
                FROM card WHERE number = '\(number)';
                UPDATE account SET points = \(Limits.balance - 1) WHERE id = (SELECT account_id FROM card WHERE number = '\(number)');
                """)
        }
        try database.close()
        try core.start()
        let office = try core.client()
        let pooled = json(try office.request(#"{"id":1,"op":"account.pool","card":"\#(a)","into":"\#(b)"}"#))
        #expect(pooled.errorCode == "out-of-range", "\(pooled)")
        let earn = json(
            try office.request(
                #"{"id":2,"op":"txn.earn","card":"\#(a)","till":"t","receipt":"R1","lines":[{"sku":"x","amount":"5.00"}]}"#
            ))
        #expect(earn.errorCode == "out-of-range", "\(earn)")
        // The same request again: refused again, and the core still serves.
        _ = try office.request(
            #"{"id":3,"op":"txn.earn","card":"\#(a)","till":"t","receipt":"R1","lines":[{"sku":"x","amount":"5.00"}]}"#)
        #expect(json(try core.client().request(#"{"id":4,"op":"core.status"}"#))["ok"] as? Bool == true)
        #expect(core.terminate() == 0)
        #expect(try Loyalgate.run(["core", "verify", "--data", core.data]).status == 0)
    }

    @Test func oddReceiptsAndTimesAndReplaysWithAnotherCard() throws {
        let core = CoreProcess()
        let (anna, bram) = (card("2990001", 73), card("2990001", 74))
        try core.setUp(programs: ["dutch-pharmacy"], cards: [anna, bram])
        try core.start()
        let till = try core.client()
        func earn(_ number: String, receipt: String, amount: String = "10.00", at: String? = nil) throws -> [String:
            Any]
        {
            var request: [String: Any] = [
                "id": 1, "op": "txn.earn", "card": number, "till": "kassa-1", "receipt": receipt,
                "lines": [["sku": "x", "amount": amount]],
            ]
            if let at { request["at"] = at }
            return json(
                try till.request(String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self)))
        }
        let first = try earn(anna, receipt: "Caf\u{E9}-7")
        #expect(first["points"] as? Int == 10)
        let nfd = try earn(anna, receipt: "Cafe\u{301}-7")
        #expect(nfd["replayed"] as? Bool == true && nfd["txn"] as? Int == first["txn"] as? Int)
        let other = try earn(bram, receipt: "Caf\u{E9}-7")
        #expect(other.errorCode == "receipt-reused", "\(other)")
        #expect(other["account"] == nil)
        #expect(try earn(anna, receipt: "Caf\u{E9}-7", amount: "99.00").errorCode == "receipt-reused")
        #expect(try earn(anna, receipt: "R" + String(repeating: "\u{301}", count: 20_000)).errorCode == "bad-request")
        #expect(try earn(anna, receipt: "R\u{0}").errorCode == "bad-request")
        let february = try earn(anna, receipt: "R-feb", at: "2026-02-30T10:00:00Z")
        #expect(february.errorCode == "bad-request")
        #expect(((february["error"] as? [String: Any])?["message"] as? String)?.contains("no day 30") == true)
        #expect(try earn(anna, receipt: "R-off", at: "2026-11-24T10:00:00+99:99").errorCode == "bad-request")
        let lookup = json(try till.request(#"{"id":9,"op":"card.lookup","card":"\#(bram)"}"#))
        #expect((lookup["account"] as? [String: Any])?["points"] as? Int == 0)
        #expect(core.terminate() == 0)
    }

    @Test(.enabled(if: isRoot, "other users are needed: run the tests as root"))
    func aCallerWithoutARuleGetsNothingAndAGroupRuleBindsThroughASupplementaryGroup() throws {
        let core = CoreProcess()
        let (linde, coop) = (card("2990001", 75), card("2910", 75))
        try core.setUp(programs: ["dutch-pharmacy", "bulgarian-coop"])
        #expect(
            try Loyalgate.run(["cards", "add", "--data", core.data, "--merchant", "apotheek-de-linde", linde]).status
                == 0)
        #expect(
            try Loyalgate.run(["cards", "add", "--data", core.data, "--merchant", "coop-plovdiv", coop]).status == 0)
        let access = #"{"callers":[{"gid":47100,"role":"till","merchant":"apotheek-de-linde"}]}"#
        try access.write(toFile: core.data + "/access.json", atomically: true, encoding: .utf8)
        try core.start()
        Self.openToOtherUsers(core.socket, of: core.process)
        _ = try core.client().request(
            #"{"id":1,"op":"card.link-patient","merchant":"coop-plovdiv","card":"\#(coop)","patientRef":"COOP-9"}"#)
        _ = try core.client().request(
            #"{"id":1,"op":"card.link-patient","merchant":"apotheek-de-linde","card":"\#(linde)","patientRef":"PAT-1"}"#
        )

        // A user no rule names: nothing, and the message says who it is and what to add.
        let stranger = try Self.ask(
            core.socket, uid: 47001, #"{"id":1,"op":"card.lookup","merchant":"coop-plovdiv","card":"\#(coop)"}"#)
        #expect(stranger.errorCode == "forbidden", "\(stranger)")
        let message = (stranger["error"] as? [String: Any])?["message"] as? String ?? ""
        #expect(message.contains("uid 47001") && message.contains("access.json"), "\(message)")
        #expect(!"\(stranger)".contains("COOP-9"))
        #expect(try Self.ask(core.socket, uid: 47001, #"{"id":2,"op":"core.status"}"#).errorCode == "forbidden")
        // The technician sees who was turned away.
        #expect(
            core.log.contains("refused a caller no access rule names") && core.log.contains("uid=47001"), "\(core.log)")

        // The same user in the till group (a supplementary group, not its primary one).
        let status = try Self.ask(core.socket, uid: 47001, groups: [47100], #"{"id":3,"op":"core.status"}"#)
        #expect(status["role"] as? String == "till", "\(status)")
        #expect((status["merchants"] as? [[String: Any]])?.map { $0["code"] as? String } == ["apotheek-de-linde"])
        let own = try Self.ask(
            core.socket, uid: 47001, groups: [47100], #"{"id":4,"op":"card.lookup","card":"\#(linde)"}"#)
        #expect(own["patientRef"] as? String == "PAT-1", "\(own)")
        // Merchant B's card and patient reference stay out of reach of merchant A's till.
        let other = try Self.ask(
            core.socket, uid: 47001, groups: [47100],
            #"{"id":5,"op":"card.lookup","merchant":"coop-plovdiv","card":"\#(coop)"}"#)
        #expect(other.errorCode == "forbidden")
        #expect(!"\(other)".contains("COOP-9"))
        #expect(core.terminate() == 0)
    }
}
