import Foundation
import LoyalgateClient
import Testbed
import Testing

/// The back office's CLI: bulk import from CSV, per-customer commands through the core, and the
/// merchant's CSV export.
@Suite struct CustomerCLITests {
    @Test func importFromCSVThenExportEverythingAsCSV() throws {
        let core = CoreProcess()
        try core.setUp(programs: ["bulgarian-coop"])
        let csv = """
            card,name,address,postcode,email,phone,birth_date,consent_mail
            \(card("2910", 1)),Иван Петров,"бул. Витоша 1, ет. 2",1000,ivan@example.bg,+359 2 123 456,1970-01-31,1
            \(card("2910", 2)),"Mария ""Мими"" Иванова",,,mimi@example.bg,,,0

            """
        let file = core.data + "/in.csv"
        #expect(FileManager.default.createFile(atPath: file, contents: Data(csv.utf8)))
        let imported = try Loyalgate.run(["customer", "import", "--data", core.data, file])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("2 customers"))

        try core.start()
        let found = try Loyalgate.run(["customer", "find", "--socket", core.socket, "--email", "MIMI@example.bg"])
        #expect(found.status == 0)
        #expect(found.stdout.contains("Mария"))
        #expect(core.terminate() == 0)

        let out = core.data + "/export"
        let export = try Loyalgate.run(["export", "--data", core.data, "--out", out])
        #expect(export.status == 0, "\(export.stderr)")
        let customers = try String(contentsOfFile: out + "/customers.csv", encoding: .utf8)
        #expect(customers.contains("\"бул. Витоша 1, ет. 2\""))
        #expect(customers.contains("\"Mария \"\"Мими\"\" Иванова\""))
        let cards = try String(contentsOfFile: out + "/cards.csv", encoding: .utf8)
        #expect(cards.split(separator: "\n").count == 3)
        #expect(cards.contains(card("2910", 1)))
        #expect(FileManager.default.fileExists(atPath: out + "/ledger.csv"))
    }

    @Test func aBadRowStopsTheImportBeforeAnythingIsWritten() throws {
        let core = CoreProcess()
        try core.setUp(programs: ["bulgarian-coop"])
        let good = card("2910", 3)
        let wrong = String(card("2910", 4).dropLast()) + String((Int(String(card("2910", 4).last!))! + 1) % 10)
        let file = core.data + "/bad.csv"
        #expect(
            FileManager.default.createFile(
                atPath: file, contents: Data("card,name\n\(good),Anna\n\(wrong),Boris\n".utf8)))
        let result = try Loyalgate.run(["customer", "import", "--data", core.data, file])
        #expect(result.status != 0)
        #expect(result.stderr.contains("Line 3"))
        #expect(result.stderr.contains("check digit"))
        try core.start()
        #expect(
            errorCode(try core.client().request(#"{"id":1,"op":"card.lookup","card":"\#(good)"}"#)) == "unknown-card")
    }

    @Test func backOfficeCommandsGoThroughTheCore() throws {
        let core = CoreProcess()
        let number = card("2990001", 71)
        try core.setUp(programs: ["dutch-pharmacy"], cards: [number])
        try core.start()
        let registered = try Loyalgate.run([
            "customer", "register", "--socket", core.socket, "--name", "Jan de Vries",
            "--phone", "06 12345678", "--card", number,
        ])
        #expect(registered.status == 0, "\(registered.stderr)")
        #expect(registered.stdout.contains("\"displayName\" : \"Jan V.\"") || registered.stdout.contains("Jan V."))
        let refused = try Loyalgate.run(["customer", "erase", "--socket", core.socket, "1"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--yes"))
        let blocked = try Loyalgate.run(["cards", "block", "--socket", core.socket, number])
        #expect(blocked.status == 0)
        let again = try Loyalgate.run(["cards", "replace", "--socket", core.socket, "--reason", "stolen", number])
        #expect(again.status == 0)
        #expect(again.stdout.contains("\"paidFrom\" : \"till\""))
        let unknown = try Loyalgate.run(["cards", "lookup", "--socket", core.socket, card("2990001", 72)])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.hasPrefix("unknown-card: "))
    }
}
