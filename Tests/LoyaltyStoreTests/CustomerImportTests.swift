import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import Testing

/// The bulk import seals and hashes its rows on several threads before each transaction: every
/// row must come out exactly as a single registration would write it.
@Suite struct CustomerImportTests {
    @Test func rowsSealedInParallelAreFoundByPhoneAndEmailAndReadBackWhole() async throws {
        let ledger = try TestLedger(programs: ["bulgarian-coop"])
        // Spaces a spreadsheet leaves around a phone or email (no-break space, ideographic
        // space) do not count; the look-up finds the customer without them.
        let padding = ["", " ", "\u{00A0}", "\u{3000}", "  \u{2009}"]
        var csv = "card,name,email,phone\n"
        let count = 11
        for i in 0..<count {
            let pad = padding[i % padding.count]
            csv +=
                "\(ledger.card("2910", Int64(i + 1))),Client \(i),\(pad)Client\(i)@Example.bg\(pad),\(pad)+359 88 000 \(1000 + i)\(pad)\n"
        }
        let file = ledger.directory.appendingPathComponent("customers.csv")
        try Data(csv.utf8).write(to: file)

        // Three rows per transaction: four transactions, each sealed on several threads.
        var commits = 0
        let summary = try ledger.database.importCustomers(merchant: nil, csv: file, rowsPerTransaction: 3) { _, _ in
            commits += 1
        }
        #expect(summary.imported == count && summary.skipped == 0)
        #expect(commits == 4)

        for i in 0..<count {
            let byPhone = try await ledger.database.findCustomers(
                merchant: nil, phone: "+35988000\(1000 + i)", email: nil)
            let byEmail = try await ledger.database.findCustomers(
                merchant: nil, phone: nil, email: "client\(i)@example.bg")
            #expect(byPhone.customers.count == 1, "row \(i)")
            #expect(byPhone.customers.map(\.id) == byEmail.customers.map(\.id), "row \(i)")
            let id = try #require(byPhone.customers.first?.id)
            let record = try await ledger.database.customer(merchant: nil, id: id)
            #expect(record.details?.name == "Client \(i)")
            #expect(record.cards.map(\.number) == [ledger.card("2910", Int64(i + 1))])
        }

        // The same file again: every row is recognised as already written (its sealed record
        // opens to the row's details), nothing is written twice.
        let again = try ledger.database.importCustomers(merchant: nil, csv: file)
        #expect(again.imported == 0 && again.skipped == count)
    }
}
