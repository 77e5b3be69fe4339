import ArgumentParser
import Foundation
import LoyaltyDomain
import LoyaltyStore

struct CardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card", abstract: "Register cards.", subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register card numbers, each on an account of its own (all or none).")

        @OptionGroup var data: DataOptions
        @Option(help: "The merchant's code; may be left out when the core has one merchant.") var merchant: String?
        @Flag(help: "Mark the accounts as members (the member multiplier applies).") var member = false
        @Option(help: "issued or active.") var status: String = "active"
        @Argument(help: "13-digit card numbers.") var numbers: [String]

        func validate() throws {
            guard ["issued", "active"].contains(status) else { throw ValidationError("--status is issued or active.") }
            guard !numbers.isEmpty else { throw ValidationError("Give at least one card number.") }
        }

        func run() throws {
            let cards = try numbers.map { text throws(LoyaltyError) in try CardNumber(text) }
            let database = try data.open()
            try database.addCards(merchant: merchant, numbers: cards, status: status, member: member)
            print("\(cards.count) card(s) registered")
        }
    }
}
