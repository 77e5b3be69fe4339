import ArgumentParser
import CardBatches
import CardDesign
import CardRendering
import Foundation
import Logging
import LoyaltyDomain
import LoyaltyStore
import PostgresStore
import Printing

/// Branded card batches: preview a design, print a batch through CUPS, reprint one card. These
/// are subcommands of `loyalgate cards` (CardCommand.swift), beside the card's life. Only the
/// arguments and the printed results are here; the work is in the CardBatches module.
enum CardPrintingCommands {

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a design as a PNG: front above back, with bleed, trim (red) and safe area (blue dashes).")

        @Argument(help: "The card design file (JSON).") var design: String
        @Option(name: .shortAndLong, help: "The PNG to write (default: the design's name with -preview.png).")
        var output: String?
        @Option(help: "The card number to show.") var number: String?
        @Option(help: "Resolution of the PNG.") var dpi: Double = 300
        @Flag(help: "Only the cards as printed, without bleed and guide lines.") var noGuides = false

        func run() throws {
            let renderer = try CardRenderer(path: design)
            let card =
                try number.map { text throws(RuleViolation) in try CardNumber(text) }
                ?? CardNumber(prefix: "2", serial: 1)
            let path = output ?? (design.hasSuffix(".json") ? String(design.dropLast(5)) : design) + "-preview.png"
            try renderer.renderPreviewPNG(number: card.digits, dpi: dpi, guides: !noGuides, to: path)
            print("preview written to \(path)")
        }
    }

    struct Batch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Allocate N fresh card numbers (state issued) and print them, or finish an interrupted batch.")

        @OptionGroup var data: DataOptions
        @OptionGroup var chain: ChainDatabaseOptions
        @Option(help: "The merchant's code; may be left out when the core has one merchant.") var merchant: String?
        @Option(help: "How many cards to allocate and print (1 to 50,000).") var count: Int?
        @Option(help: "The card design file (JSON).") var design: String?
        @Option(help: "The CUPS queue of the card printer.") var printer: String?
        @Option(help: "Finish batch ID: print what it has not printed yet.") var resume: Int64?
        @Option(help: "Cards per print job.") var chunk: Int = 100
        @Option(
            name: .customLong("option"),
            help: "A CUPS job option name=value for the driver (repeatable), e.g. media=CR80.") var options: [String] =
                []
        @Option(help: "Give up waiting for one job after this many seconds (the batch can be resumed).") var jobTimeout:
            Int = 600

        func validate() throws {
            if resume == nil {
                guard let count else { throw ValidationError("Give --count N (or --resume ID).") }
                guard (1...LedgerDatabase.maximumBatchSize).contains(count) else {
                    throw ValidationError(
                        "A batch holds 1 to \(LedgerDatabase.maximumBatchSize.formatted()) cards; \(count.formatted()) was asked. Nothing was allocated."
                    )
                }
                guard design != nil else { throw ValidationError("Give --design FILE.") }
                guard printer != nil else { throw ValidationError("Give --printer QUEUE (lpstat -p lists them).") }
            } else if count != nil || merchant != nil {
                throw ValidationError("--resume finishes the stored batch: --count and --merchant do not apply.")
            }
            guard (1...1000).contains(chunk) else { throw ValidationError("--chunk is 1 to 1000 cards per job.") }
            _ = try jobOptions()
        }

        func jobOptions() throws -> [String: String] { try parseJobOptions(options) }

        func run() async throws {
            // A chain's batches go into its PostgreSQL database (as the cores' role or its
            // owner), a shop's into its SQLite file; the printing is the same.
            try await withBatchStore(data: data, chain: chain, logger: Logger(label: "loyalgate.cards")) { database in
                let (chunk, options, timeout) = (chunk, try jobOptions(), jobTimeout)
                let (resume, merchant, count, design, printer) = (resume, merchant, count, design, printer)
                try await onPrintingThread {
                    let run = CardBatchRun(
                        database: database, chunkSize: chunk, jobOptions: options, jobTimeout: .seconds(timeout),
                        say: { print($0) })
                    let outcome =
                        if let resume {
                            try run.resume(batch: resume, printer: printer)
                        } else {
                            try run.start(merchant: merchant, count: count!, design: design!, printer: printer!)
                        }
                    let batch = outcome.batch
                    if outcome.wasAlreadyCompleted {
                        print("batch \(batch.id) is already completed: \(batch.items.count) cards printed")
                        return
                    }
                    print(
                        "batch \(batch.id) \(batch.state): \(outcome.printed) of \(batch.items.count) cards printed, \(outcome.printedNow) in this run in \(outcome.jobs) job(s)"
                    )
                }
            }
        }
    }

    struct Reprint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print one card again: a worn card with its own number, a replaced one with the number that replaced it."
        )

        @OptionGroup var data: DataOptions
        @OptionGroup var chain: ChainDatabaseOptions
        @Option(help: "The merchant's code; may be left out when the core has one merchant.") var merchant: String?
        @Option(help: "The card design file (JSON).") var design: String
        @Option(help: "The CUPS queue of the card printer.") var printer: String
        @Option(name: .customLong("option"), help: "A CUPS job option name=value (repeatable).") var options: [String] =
            []
        @Argument(help: "The card number.") var card: String

        func run() async throws {
            try await withBatchStore(data: data, chain: chain, logger: Logger(label: "loyalgate.cards")) { database in
                let (options, merchant, card, design, printer) = (
                    try parseJobOptions(options), merchant, card, design, printer
                )
                try await onPrintingThread {
                    let reprint = CardReprint(database: database, jobOptions: options)
                    let outcome = try reprint.run(merchant: merchant, card: card, design: design, printer: printer) {
                        number, replaced in
                        if let first = replaced.first {
                            print("card \(first) was replaced by \(number): printing \(number)")
                        }
                    }
                    print("card \(outcome.number) printed (job \(outcome.queue)-\(outcome.job))")
                }
            }
        }
    }
}

/// Runs `body` on the chain's PostgreSQL store (`--database`), closed afterwards, or else on the
/// shop's SQLite ledger in `--data`.
func withBatchStore(
    data: DataOptions, chain: ChainDatabaseOptions, logger: Logger,
    _ body: (any CardBatchStore) async throws -> Void
) async throws {
    guard let postgres = try await chain.open(logger: logger) else {
        return try await body(try data.open())
    }
    do {
        try await body(postgres)
    } catch {
        await postgres.close()
        throw PostgresLedger.described(error)
    }
    await postgres.close()
}

/// `--option name=value` flags as CUPS job options.
func parseJobOptions(_ options: [String]) throws -> [String: String] {
    try Dictionary(
        options.map { text in
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw ValidationError("--option takes name=value, e.g. --option media=CR80; \"\(text)\" has no value.")
            }
            return (String(text[..<equals]), String(text[text.index(after: equals)...]))
        }, uniquingKeysWith: { $1 })
}

extension DesignError: LocalizedError {
    public var errorDescription: String? { message }
}

extension PrintingError: LocalizedError {
    public var errorDescription: String? { message }
}
