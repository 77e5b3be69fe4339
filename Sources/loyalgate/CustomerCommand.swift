import ArgumentParser
import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

struct CustomerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer", abstract: "Customers and their personal data (back office).",
        subcommands: [Register.self, Update.self, Show.self, Find.self, Export.self, Erase.self, Import.self])

    struct Fields: ParsableArguments {
        @Option var name: String?
        @Option(help: "What a till shows; by default the first name and last initial.") var displayName: String?
        @Option var address: String?
        @Option var postcode: String?
        @Option var email: String?
        @Option var phone: String?
        @Option(help: "YYYY-MM-DD.") var birthDate: String?
        @Option var gender: String?

        var patch: CustomerPatch {
            CustomerPatch(
                name: name, displayName: displayName, address: address, postcode: postcode, email: email, phone: phone,
                birthDate: birthDate, gender: gender)
        }
    }

    struct Register: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a customer from the form, optionally on a card.")
        @OptionGroup var core: CoreSocketOptions
        @OptionGroup var fields: Fields
        @Flag(help: "Agreed to receive mail.") var consentMail = false
        @Flag(help: "Agreed to profiling.") var consentProfiling = false
        @Option(help: "The card the customer holds.") var card: String?

        func validate() throws { if fields.name == nil { throw ValidationError("--name is required.") } }

        func run() throws {
            let f = fields
            let details = CustomerDetails(
                name: f.name ?? "", displayName: f.displayName, address: f.address, postcode: f.postcode,
                email: f.email, phone: f.phone, birthDate: f.birthDate, gender: f.gender)
            try core.call(
                CoreOp.CustomerRegister.self,
                .init(
                    merchant: core.merchant, details: details,
                    consents: Consents(mail: consentMail, profiling: consentProfiling), card: card))
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a customer's details (the fields given).")
        @OptionGroup var core: CoreSocketOptions
        @OptionGroup var fields: Fields
        @Argument(help: "The customer's id.") var customer: Int64
        func run() throws {
            try core.call(
                CoreOp.CustomerUpdate.self, .init(merchant: core.merchant, customer: customer, details: fields.patch))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Everything held on a customer.")
        @OptionGroup var core: CoreSocketOptions
        @Argument(help: "The customer's id.") var customer: Int64
        func run() throws { try core.call(CoreOp.CustomerGet.self, .init(merchant: core.merchant, customer: customer)) }
    }

    struct Find: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find a customer who forgot the card, by phone or email.")
        @OptionGroup var core: CoreSocketOptions
        @Option var phone: String?
        @Option var email: String?
        func validate() throws {
            if (phone == nil) == (email == nil) { throw ValidationError("Give --phone or --email.") }
        }
        func run() throws {
            try core.call(CoreOp.CustomerFind.self, .init(merchant: core.merchant, phone: phone, email: email))
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Everything held on one customer, as JSON (the right of access).")
        @OptionGroup var core: CoreSocketOptions
        @Argument(help: "The customer's id.") var customer: Int64
        func run() throws {
            try core.call(CoreOp.CustomerExport.self, .init(merchant: core.merchant, customer: customer))
        }
    }

    struct Erase: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a customer's personal data for good; balances and the ledger stay, anonymised.")
        @OptionGroup var core: CoreSocketOptions
        @Flag(help: "Confirm: this cannot be undone.") var yes = false
        @Argument(help: "The customer's id.") var customer: Int64
        func validate() throws { if !yes { throw ValidationError("Erasure cannot be undone: add --yes.") } }
        func run() throws {
            try core.call(CoreOp.CustomerErase.self, .init(merchant: core.merchant, customer: customer))
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Bulk-register customers with their cards from CSV (columns in docs/customers.md), directly in the database; run it again to finish an interrupted import."
        )
        @OptionGroup var data: DataOptions
        @Option(help: "The merchant's code; may be left out when the core has one merchant.") var merchant: String?
        @Option(help: "Rows written per transaction; each commit is reported.") var rowsPerTransaction = 20_000
        @Argument(help: "The CSV file.") var file: String

        func validate() throws {
            guard rowsPerTransaction >= 1 else { throw ValidationError("--rows-per-transaction is at least 1.") }
        }

        func run() throws {
            let started = Date()
            let summary = try data.open().importCustomers(
                merchant: merchant, csv: URL(fileURLWithPath: file), rowsPerTransaction: rowsPerTransaction
            ) { written, total in
                // Flushed at once: whoever watches a long import (or kills it) sees what is on disk.
                print("\(written) of \(total) rows written")
                fflush(nil)
            }
            if summary.skipped > 0 {
                print(
                    "\(summary.skipped) rows skipped: an earlier run of this file had already imported them"
                )
            }
            print(
                "\(summary.imported) customers with cards imported in \(String(format: "%.1f", Date().timeIntervalSince(started))) s"
            )
        }
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a merchant's cards, customers and ledger as CSV files: the shop owns its data.")
    @OptionGroup var data: DataOptions
    @Option(help: "The merchant's code; may be left out when the core has one merchant.") var merchant: String?
    @Option(help: "The folder to write into.") var out: String

    func run() throws {
        let counts = try data.open().exportMerchant(merchant, to: URL(fileURLWithPath: out))
        for (file, rows) in counts.sorted(by: { $0.key < $1.key }) { print("\(out)/\(file): \(rows) rows") }
    }
}
