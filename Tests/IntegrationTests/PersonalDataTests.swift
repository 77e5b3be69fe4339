import Foundation
import LoyalgateClient
import Testbed
import Testing

/// Personal data: sealed at rest, found by phone, shown to a till only as a display name,
/// exported and erased on request, never across merchants. All but the first (which reads the
/// SQLite file's bytes) run on both stores (`StoreKind`).
@Suite struct PersonalDataTests {
    static let anna =
        #"{"name":"Anna Kovacheva","address":"ul. Rakovski 12","postcode":"4000","email":"Anna.K@example.bg","phone":"+359 88 123 4567","birthDate":"1984-03-09","gender":"f"}"#
    static let secrets = [
        "Kovacheva", "Rakovski", "anna.k@example.bg", "Anna.K@example", "123 4567", "1234567", "1984-03-09",
    ]

    func ask(_ till: UnixLineClient, _ request: String) throws -> [String: Any] { json(try till.request(request)) }

    /// Every byte the core keeps in its data folder (database, WAL, anything else) except the key.
    func storedBytes(_ core: CoreProcess) throws -> Data {
        var all = Data()
        let files = try FileManager.default.subpathsOfDirectory(atPath: core.data)
        for file in files where !file.hasPrefix("keys") {
            all.append(FileManager.default.contents(atPath: core.data + "/" + file) ?? Data())
        }
        return all
    }

    @Test func theDatabaseFileHoldsNoPersonalDataInPlaintextAndPhoneLookupWorks() throws {
        let core = CoreProcess()
        let number = card("2910", 51)
        try core.setUp(programs: ["bulgarian-coop"], cards: [number])
        try core.start()
        let office = try core.client()
        let registered = try ask(
            office,
            #"{"id":1,"op":"customer.register","card":"\#(number)","details":\#(Self.anna),"consents":{"mail":true,"profiling":false}}"#
        )
        #expect(registered["displayName"] as? String == "Anna K.")
        #expect(core.terminate() == 0)

        let bytes = try storedBytes(core)
        #expect(bytes.count > 10_000)
        for secret in Self.secrets {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) is stored in plaintext")
        }
        // The key is elsewhere: a separate file, readable by its owner only.
        var info = stat()
        #expect(stat(core.data + "/keys/personal-data.key", &info) == 0 && info.st_mode & 0o077 == 0)

        try core.start()
        let till = try core.client()
        for phone in ["+359881234567", "+359 88 123 45 67"] {
            let found = try ask(till, #"{"id":2,"op":"customer.find","phone":"\#(phone)"}"#)
            let customers = found["customers"] as? [[String: Any]] ?? []
            #expect(customers.count == 1)
            #expect(customers.first?["displayName"] as? String == "Anna K.")
            #expect((customers.first?["cards"] as? [[String: Any]])?.first?["number"] as? String == number)
        }
        let byEmail = try ask(till, #"{"id":3,"op":"customer.find","email":"ANNA.K@example.bg"}"#)
        #expect((byEmail["customers"] as? [[String: Any]])?.count == 1)
        // A customer who forgot the card still earns: found by phone, then the card number from the answer.
        let earned = try ask(
            till,
            #"{"id":4,"op":"txn.earn","card":"\#(number)","till":"t","receipt":"r","lines":[{"sku":"x","amount":"1.00"}]}"#
        )
        #expect(earned["ok"] as? Bool == true)
    }

    @Test(arguments: StoreKind.available) func aTillSeesTheDisplayNameButIsRefusedTheAddress(_ kind: StoreKind) throws {
        let number = card("2910", 52)
        let core = try StoreCore(kind, programs: ["bulgarian-coop"], cards: [number])
        let registered = try ask(
            try core.client(), #"{"id":41,"op":"customer.register","card":"\#(number)","details":\#(Self.anna)}"#)
        let customer = registered["customer"] as? Int ?? -1
        #expect(core.terminate() == 0)

        // From now on this test's own user is a till for the core.
        let access = #"{"callers":[{"uid":\#(getuid()),"role":"till"}]}"#
        #expect(FileManager.default.createFile(atPath: core.data + "/access.json", contents: Data(access.utf8)))
        try core.start()
        let till = try core.client()
        let lookup = try till.request(#"{"id":2,"op":"card.lookup","card":"\#(number)"}"#)
        #expect((json(lookup)["customer"] as? [String: Any])?["displayName"] as? String == "Anna K.")
        for secret in Self.secrets + ["4000"] { #expect(!lookup.contains(secret)) }
        for op in ["customer.get", "customer.export", "customer.erase"] {
            let refused = try till.request(#"{"id":3,"op":"\#(op)","customer":\#(customer)}"#)
            #expect(errorCode(refused) == "forbidden")
            for secret in Self.secrets { #expect(!refused.contains(secret)) }
        }
        #expect(
            errorCode(
                try till.request(#"{"id":4,"op":"customer.update","customer":\#(customer),"details":{"address":"x"}}"#))
                == "forbidden")
        #expect(json(try till.request(#"{"id":5,"op":"core.status"}"#))["role"] as? String == "till")
    }

    @Test(arguments: StoreKind.available)
    func exportGivesEverythingAndErasureKeepsBalancesAndTheLedger(_ kind: StoreKind) throws {
        let number = card("2990001", 53)
        let core = try StoreCore(kind, programs: ["dutch-pharmacy"], cards: [number])
        let office = try core.client()
        let customer =
            try ask(office, #"{"id":41,"op":"customer.register","card":"\#(number)","details":\#(Self.anna)}"#)[
                "customer"] as? Int ?? -1
        _ = try ask(office, #"{"id":2,"op":"card.link-patient","card":"\#(number)","patientRef":"PAT-0042"}"#)
        _ = try ask(
            office,
            #"{"id":3,"op":"txn.earn","card":"\#(number)","till":"t","receipt":"r1","lines":[{"sku":"x","amount":"64.00"}]}"#
        )

        let export = try ask(office, #"{"id":4,"op":"customer.export","customer":\#(customer)}"#)
        let details = (export["customer"] as? [String: Any])?["details"] as? [String: Any]
        #expect(details?["address"] as? String == "ul. Rakovski 12")
        #expect(details?["birthDate"] as? String == "1984-03-09")
        #expect((export["patientLinks"] as? [[String: Any]])?.first?["patientRef"] as? String == "PAT-0042")
        #expect((export["ledger"] as? [[String: Any]])?.count == 1)
        #expect(
            (try ask(office, #"{"id":5,"op":"card.lookup","card":"\#(number)"}"#))["patientRef"] as? String
                == "PAT-0042")

        let erased = try ask(office, #"{"id":6,"op":"customer.erase","customer":\#(customer)}"#)
        #expect(erased["erasedAt"] is String)
        #expect(erased["details"] == nil || erased["details"] is NSNull)
        let lookup = try ask(office, #"{"id":7,"op":"card.lookup","card":"\#(number)"}"#)
        #expect(lookup["customer"] is NSNull)
        #expect(lookup["patientRef"] is NSNull)
        #expect((lookup["account"] as? [String: Any])?["points"] as? Int == 64)
        #expect(
            (try ask(office, #"{"id":8,"op":"customer.find","phone":"+359881234567"}"#)["customers"] as? [Any])?.isEmpty
                == true)
        #expect(
            (try ask(office, #"{"id":9,"op":"account.history","card":"\#(number)"}"#)["entries"] as? [Any])?.count == 1)
        #expect(core.terminate() == 0)
        let verify = try core.verify()
        #expect(verify.status == 0)
        // The SQLite file's bytes (on PostgreSQL the same sealing code writes the rows).
        if kind == .sqlite {
            for secret in Self.secrets + ["PAT-0042"] {
                #expect(try storedBytes(core.process).range(of: Data(secret.utf8)) == nil)
            }
        }
    }

    @Test(arguments: StoreKind.available) func merchantsNeverSeeEachOthersCustomersOrPatients(_ kind: StoreKind) throws
    {
        var second = try String(
            contentsOf: Loyalgate.examples.appendingPathComponent("belgian-pharmacy.json"), encoding: .utf8)
        second = second.replacingOccurrences(of: "pharmacie-a", with: "pharmacie-b")
        let core = try StoreCore(kind, programs: ["belgian-pharmacy"], programTexts: [second], start: false)
        let shared = card("2755", 61)
        try core.addCards([shared], merchant: "pharmacie-a")
        try core.addCards([shared], merchant: "pharmacie-b")
        try core.start()
        let office = try core.client()
        _ = try ask(
            office,
            #"{"id":1,"op":"customer.register","merchant":"pharmacie-a","card":"\#(shared)","details":\#(Self.anna)}"#)
        _ = try ask(
            office,
            #"{"id":2,"op":"card.link-patient","merchant":"pharmacie-a","card":"\#(shared)","patientRef":"A-77"}"#)
        let atB = try ask(office, #"{"id":3,"op":"card.lookup","merchant":"pharmacie-b","card":"\#(shared)"}"#)
        #expect(atB["customer"] is NSNull)
        #expect(atB["patientRef"] is NSNull)
        #expect(
            (try ask(office, #"{"id":4,"op":"customer.find","merchant":"pharmacie-b","phone":"+359881234567"}"#)[
                "customers"] as? [Any])?.isEmpty == true)
        #expect(
            (try ask(office, #"{"id":5,"op":"customer.find","merchant":"pharmacie-a","phone":"+359881234567"}"#)[
                "customers"] as? [Any])?.count == 1)
        #expect(
            errorCode(try office.request(#"{"id":6,"op":"customer.get","merchant":"pharmacie-b","customer":1}"#))
                == "bad-request")
        #expect(core.terminate() == 0)

        // A till bound to pharmacy B cannot ask for pharmacy A's data even by naming it.
        let access = #"{"callers":[{"uid":\#(getuid()),"role":"till","merchant":"pharmacie-b"}]}"#
        #expect(FileManager.default.createFile(atPath: core.data + "/access.json", contents: Data(access.utf8)))
        try core.start()
        let tillB = try core.client()
        #expect(
            errorCode(try tillB.request(#"{"id":7,"op":"card.lookup","merchant":"pharmacie-a","card":"\#(shared)"}"#))
                == "forbidden")
        #expect(json(try tillB.request(#"{"id":8,"op":"card.lookup","card":"\#(shared)"}"#))["patientRef"] is NSNull)
    }
}
