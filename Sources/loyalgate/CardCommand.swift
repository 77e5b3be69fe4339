import ArgumentParser
import Foundation
import Logging
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PostgresStore

struct CardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cards",
        abstract:
            "Cards: register, activate, block, replace, link, households; print branded cards (docs/card-design.md).",
        subcommands: [
            Add.self, Lookup.self, Activate.self, Block.self, Replace.self, LinkPatient.self, Pool.self, Split.self,
            CardPrintingCommands.Preview.self, CardPrintingCommands.Batch.self, CardPrintingCommands.Reprint.self,
        ])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register card numbers directly in the database, each on an account of its own (all or none).")

        @OptionGroup var data: DataOptions
        @OptionGroup var chain: ChainDatabaseOptions
        @Option(help: "The merchant's code; may be left out when the core has one merchant.") var merchant: String?
        @Flag(help: "Mark the accounts as members (the member multiplier applies).") var member = false
        @Option(help: "issued or active.") var status: CardStatus = .active
        @Argument(help: "13-digit card numbers.") var numbers: [String]

        func validate() throws {
            guard status == .issued || status == .active else { throw ValidationError("--status is issued or active.") }
            guard !numbers.isEmpty else { throw ValidationError("Give at least one card number.") }
        }

        func run() async throws {
            let cards = try numbers.map { text throws(RuleViolation) in try CardNumber(text) }
            // A chain's cards go straight into its PostgreSQL database (as its owner or the
            // cores' role), the same way as into a shop's SQLite file.
            if let postgres = try await chain.open(logger: Logger(label: "loyalgate.cards")) {
                do {
                    try await postgres.addCards(merchant: merchant, numbers: cards, status: status, member: member)
                } catch {
                    await postgres.close()
                    throw PostgresLedger.described(error)
                }
                await postgres.close()
            } else {
                let database = try data.open()
                try database.addCards(merchant: merchant, numbers: cards, status: status, member: member)
            }
            print("\(cards.count) card(s) registered")
        }
    }

    struct Lookup: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What a till sees when the card is scanned.")
        @OptionGroup var core: CoreSocketOptions
        @Argument(help: "The card number.") var card: String
        func run() throws { try core.call(CoreOp.CardLookup.self, .init(merchant: core.merchant, card: card)) }
    }

    struct Activate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hand a card out; it earns after the program's activation delay.")
        @OptionGroup var core: CoreSocketOptions
        @Option(help: "Attach the card to this registered customer.") var customer: Int64?
        @Argument(help: "The card number.") var card: String
        func run() throws {
            try core.call(CoreOp.CardActivate.self, .init(merchant: core.merchant, card: card, customer: customer))
        }
    }

    struct Block: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Block a lost or stolen card at once.")
        @OptionGroup var core: CoreSocketOptions
        @Option(help: "lost, stolen or another word for the record.") var reason: String = "lost"
        @Argument(help: "The card number.") var card: String
        func run() throws {
            try core.call(CoreOp.CardBlock.self, .init(merchant: core.merchant, card: card, reason: reason))
        }
    }

    struct Replace: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move the account and its balance to a new card; the old number is retired for good.")
        @OptionGroup var core: CoreSocketOptions
        @Option(help: "lost, stolen, worn or defective (the program sets the fee for each).") var reason: String
        @Option(help: "A blank card's number; the next number of the range when left out.") var newCard: String?
        @Argument(help: "The card being replaced.") var card: String
        func run() throws {
            try core.call(
                CoreOp.CardReplace.self, .init(merchant: core.merchant, card: card, reason: reason, newCard: newCard))
        }
    }

    struct LinkPatient: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "link-patient", abstract: "Store the pharmacy system's patient reference on a card (sealed).")
        @OptionGroup var core: CoreSocketOptions
        @Argument(help: "The card number.") var card: String
        @Argument(help: "The patient reference; leave out to remove it.") var patientRef: String?
        func run() throws {
            try core.call(
                CoreOp.CardLinkPatient.self, .init(merchant: core.merchant, card: card, patientRef: patientRef))
        }
    }

    struct Pool: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a card on the account of another (a household).")
        @OptionGroup var core: CoreSocketOptions
        @Argument(help: "The card joining.") var card: String
        @Argument(help: "A card of the household it joins.") var into: String
        func run() throws {
            try core.call(CoreOp.AccountPool.self, .init(merchant: core.merchant, card: card, into: into))
        }
    }

    struct Split: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a card out of its household onto an account of its own.")
        @OptionGroup var core: CoreSocketOptions
        @Option(help: "Points the card takes along.") var points: Int64 = 0
        @Option(help: "Discount the card takes along, e.g. 2.50.") var amount: String?
        @Argument(help: "The card leaving.") var card: String
        func run() throws {
            try core.call(
                CoreOp.AccountSplit.self, .init(merchant: core.merchant, card: card, points: points, amount: amount))
        }
    }
}

extension CardStatus: ExpressibleByArgument {}
