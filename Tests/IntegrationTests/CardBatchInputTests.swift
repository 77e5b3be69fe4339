import Foundation
import Testbed
import Testing

/// Bad input stops a batch with one clear sentence before any card number is allocated.
@Suite struct CardBatchInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var count = "10"
        /// Edits to the Linde design (a JSON fragment replaced by another), or nil for the design as it is.
        var edit: (String, String)?
        var printer = "cards"
        var message: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "a design whose logo is missing", edit: ("\"linde-logo.png\"", "\"linde-logo-2027.png\""),
            message: "The logo linde-logo-2027.png is missing: looked for"),
        Case(
            name: "a barcode that does not fit its box",
            edit: (#""x": 4, "y": 23, "width": 40, "height": 18"#, #""x": 4, "y": 23, "width": 24, "height": 18"#),
            message: "The EAN-13 barcode does not fit: it needs a box at least 29.8 mm wide"),
        Case(
            name: "a count of zero", count: "0",
            message: "A batch holds 1 to 50,000 cards; 0 was asked. Nothing was allocated."),
        Case(
            name: "a count of a million", count: "1000000",
            message: "A batch holds 1 to 50,000 cards; 1,000,000 was asked. Nothing was allocated."),
        Case(
            name: "a printer queue that does not exist", printer: "evolis",
            message: #"There is no printer called "evolis" here"#),
    ]

    @Test(arguments: cases)
    func isRefusedBeforeAnyNumberIsAllocated(_ input: Case) throws {
        let core = CoreProcess()
        try core.setUp(programs: ["dutch-pharmacy"])
        let folder = Loyalgate.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let examples = Loyalgate.examples.appendingPathComponent("cards")
        var design = try String(contentsOf: examples.appendingPathComponent("linde-pharmacy.json"), encoding: .utf8)
        if let (old, new) = input.edit {
            #expect(design.contains(old))
            design = design.replacingOccurrences(of: old, with: new)
        }
        try design.write(toFile: folder + "/design.json", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(
            atPath: examples.appendingPathComponent("linde-logo.png").path, toPath: folder + "/linde-logo.png")
        let cups = try CupsHarness()
        let printer = try PrinterCatcher()
        try cups.addQueue("cards", catcher: printer)

        let result = try Loyalgate.run(
            [
                "cards", "batch", "--data", core.data, "--count", input.count, "--design", folder + "/design.json",
                "--printer", input.printer,
            ], environment: cups.environment)
        #expect(result.status != 0)
        #expect(result.stderr.contains(input.message), "stderr: \(result.stderr)")
        #expect(try PrintedCards.sql(core.data, "SELECT COUNT(*) FROM card") == ["0"])
        #expect(try PrintedCards.sql(core.data, "SELECT COUNT(*) FROM card_batch") == ["0"])
        #expect(printer.jobs.isEmpty)
    }
}
