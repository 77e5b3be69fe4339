import Foundation
import LoyalgateClient
import Testbed
import Testing

/// The files the real binary leaves on a shared till PC: who may read them, what a spreadsheet
/// makes of the exports, and an import that was killed half-way.
@Suite struct DataFileTests {
    static func mode(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & 0o7777 : nil
    }

    @Test func theDataFolderTheLedgerItsWALAndTheExportsAreTheOwnersAlone() throws {
        let parent = Loyalgate.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        // A folder the CLI creates, under the test runner's own umask (usually 022).
        let data = parent + "/shop"
        let number = card("2990001", 91)
        let core = CoreProcess(data: data)
        try core.setUp(programs: ["dutch-pharmacy"], cards: [number])
        try core.start()
        #expect(
            json(
                try core.client().request(
                    #"{"id":1,"op":"customer.register","card":"\#(number)","details":{"name":"Jan de Vries"}}"#))["ok"]
                as? Bool == true)
        #expect(
            json(
                try core.client().request(
                    #"{"id":2,"op":"txn.earn","card":"\#(number)","till":"t","receipt":"r","lines":[{"sku":"x","amount":"5.00"}]}"#
                ))["ok"] as? Bool == true)

        // While the core runs: the WAL and -shm SQLite made, and the lock, as well as the rest.
        #expect(Self.mode(data) == 0o700)
        for file in ["loyalgate.sqlite", "loyalgate.sqlite-wal", "loyalgate.sqlite-shm", "core.lock"] {
            #expect(
                Self.mode(data + "/" + file) == 0o600,
                "\(file) is \(String(Self.mode(data + "/" + file) ?? 0, radix: 8))")
        }
        #expect(Self.mode(data + "/keys") == 0o700)
        #expect(Self.mode(data + "/keys/personal-data.key") == 0o600)
        // The socket is the one thing meant for the tills' group.
        #expect(Self.mode(core.socket).map { $0 & 0o777 } == 0o660)
        #expect(core.terminate() == 0)

        let out = parent + "/export"
        let export = try Loyalgate.run(["export", "--data", data, "--out", out])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(Self.mode(out) == 0o700)
        for file in ["cards.csv", "customers.csv", "ledger.csv"] {
            #expect(Self.mode(out + "/" + file) == 0o600, "\(file)")
        }
        // An export written over an older, world-readable one is made private too.
        #expect(chmod(out + "/customers.csv", 0o644) == 0)
        #expect(try Loyalgate.run(["export", "--data", data, "--out", out]).status == 0)
        #expect(Self.mode(out + "/customers.csv") == 0o600)

        // A ledger an older version left 0644 is made private when it is next opened.
        #expect(chmod(data + "/loyalgate.sqlite", 0o644) == 0)
        #expect(try Loyalgate.run(["core", "verify", "--data", data]).status == 0)
        #expect(Self.mode(data + "/loyalgate.sqlite") == 0o600)
    }

    /// Till and receipt ids are a till's choice, names a customer's: none of them reaches a
    /// spreadsheet as a formula. Negative points stay numbers.
    @Test func everyExportedCellASpreadsheetWouldRunIsNeutralised() throws {
        let core = CoreProcess()
        try core.setUp(programs: ["dutch-pharmacy"])
        let number = card("2990001", 92)
        let csv = "card,name,address\n\(number),\"=HYPERLINK(\"\"http://evil.example/\"\",\"\"x\"\")\",@SUM(A1:A2)\n"
        let file = core.data + "/in.csv"
        #expect(FileManager.default.createFile(atPath: file, contents: Data(csv.utf8)))
        let imported = try Loyalgate.run(["customer", "import", "--data", core.data, file])
        #expect(imported.status == 0, "\(imported.stderr)")
        try core.start()
        let till = try core.client()
        let earned = try till.request(
            #"{"id":1,"op":"txn.earn","card":"\#(number)","till":"+cmd|' /C calc'!A0","receipt":"-2+3","lines":[{"sku":"x","amount":"20.00"}]}"#
        )
        #expect(json(earned)["ok"] as? Bool == true, "\(earned)")
        let returned = try till.request(
            #"{"id":2,"op":"txn.return","till":"+cmd|' /C calc'!A0","receipt":"=1+1","original":{"till":"+cmd|' /C calc'!A0","receipt":"-2+3"},"lines":[{"sku":"x","amount":"20.00"}]}"#
        )
        #expect(json(returned)["ok"] as? Bool == true, "\(returned)")
        #expect(core.terminate() == 0)

        let out = core.data + "/export"
        #expect(try Loyalgate.run(["export", "--data", core.data, "--out", out]).status == 0)
        let customers = try String(contentsOfFile: out + "/customers.csv", encoding: .utf8)
        #expect(customers.contains(#","'=HYPERLINK(""http://evil.example/"",""x"")","#), "\(customers)")
        #expect(customers.contains(#""'@SUM(A1:A2)""#))
        let ledger = try String(contentsOfFile: out + "/ledger.csv", encoding: .utf8)
        #expect(ledger.contains(#""'+cmd|' /C calc'!A0""#), "\(ledger)")
        #expect(ledger.contains(#""'-2+3""#))
        #expect(ledger.contains(#""'=1+1""#))
        // The return's points: a plain negative number, left for the spreadsheet to add up.
        #expect(ledger.contains(",-20,"), "\(ledger)")
        // No line of any export starts a cell with a formula character unquoted.
        for text in [customers, ledger, try String(contentsOfFile: out + "/cards.csv", encoding: .utf8)] {
            for line in text.split(separator: "\n") {
                for cell in line.split(separator: ",", omittingEmptySubsequences: false) {
                    guard let first = cell.first, "=+@".contains(first) else { continue }
                    Issue.record("an unquoted formula cell: \(cell) in \(line)")
                }
            }
        }
    }

    /// An import killed with SIGKILL after its first transaction is finished by running the
    /// same command again: the rows already written are skipped, the rest imported.
    @Test func anImportKilledHalfWayIsFinishedByRunningItAgain() throws {
        let core = CoreProcess()
        try core.setUp(programs: ["dutch-pharmacy"])
        let rows = 30_000
        var csv = "card,name,email\n"
        for serial in 1...rows { csv += "\(card("2990001", 50_000 + serial)),Klant \(serial),k\(serial)@example.nl\n" }
        let file = core.data + "/big.csv"
        #expect(FileManager.default.createFile(atPath: file, contents: Data(csv.utf8)))
        let arguments = ["customer", "import", "--data", core.data, "--rows-per-transaction", "1000", file]

        let first = try ChildProcess(Loyalgate.binary, arguments)
        try first.start()
        let deadline = ContinuousClock.now + .seconds(120)
        while !first.stdout.contains("of \(rows) rows written"), first.isRunning, ContinuousClock.now < deadline {
            usleep(2_000)
        }
        #expect(first.isRunning, "the import ended before it could be killed: \(first.stdout) \(first.stderr)")
        first.kill()
        #expect(!first.stdout.contains("customers with cards imported"))

        let second = try Loyalgate.run(arguments)
        #expect(second.status == 0, "\(second.stderr)")
        let skipped = second.stdout.firstMatch(of: /(\d+) rows skipped/).flatMap { Int($0.1) } ?? 0
        let imported = second.stdout.firstMatch(of: /(\d+) customers with cards imported/).flatMap { Int($0.1) } ?? 0
        #expect(skipped >= 1000, "\(second.stdout)")
        #expect(skipped + imported == rows, "\(second.stdout)")

        // Every row once: one account each, and a third run has nothing left to do.
        let verify = try Loyalgate.run(["core", "verify", "--data", core.data])
        #expect(verify.stdout.contains("checked \(rows) accounts"), "\(verify.stdout)")
        let third = try Loyalgate.run(arguments)
        #expect(third.stdout.contains("\(rows) rows skipped"))
        #expect(third.stdout.contains("0 customers with cards imported"))

        // A row that differs from what is registered is not taken for an earlier run's.
        let changed = csv.replacingOccurrences(of: ",Klant 7,", with: ",Klant Zeven,")
        #expect(FileManager.default.createFile(atPath: file, contents: Data(changed.utf8)))
        let refused = try Loyalgate.run(arguments)
        #expect(refused.status != 0)
        #expect(
            refused.stderr.contains("Line 8: card \(card("2990001", 50_007)) is already registered"),
            "\(refused.stderr)")
    }
}
