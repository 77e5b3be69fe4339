import ArgumentParser
import CardDesign
import CardRendering
import Foundation
import LoyaltyDomain
import LoyaltyStore
import Printing

/// Branded card batches: preview a design, print a batch through CUPS, reprint one card. These
/// are subcommands of `loyalgate cards` (CardCommand.swift), beside the card's life.
enum CardsCommand {

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw a design as a PNG: front above back, with bleed, trim (red) and safe area (blue dashes).")

        @Argument(help: "The card design file (JSON).") var design: String
        @Option(name: .shortAndLong, help: "The PNG to write (default: the design's name with -preview.png).") var output: String?
        @Option(help: "The card number to show.") var number: String?
        @Option(help: "Resolution of the PNG.") var dpi: Double = 300
        @Flag(help: "Only the cards as printed, without bleed and guide lines.") var noGuides = false

        func run() throws {
            let renderer = try CardRenderer(path: design)
            let card = try number.map { text throws(RuleViolation) in try CardNumber(text) } ?? CardNumber(prefix: "2", serial: 1)
            let path = output ?? (design.hasSuffix(".json") ? String(design.dropLast(5)) : design) + "-preview.png"
            try renderer.renderPreviewPNG(number: card.digits, dpi: dpi, guides: !noGuides, to: path)
            print("preview written to \(path)")
        }
    }

    struct Batch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Allocate N fresh card numbers (state issued) and print them, or finish an interrupted batch.")

        @OptionGroup var data: DataOptions
        @Option(help: "The merchant's code; may be left out when the core has one merchant.") var merchant: String?
        @Option(help: "How many cards to allocate and print (1 to 50,000).") var count: Int?
        @Option(help: "The card design file (JSON).") var design: String?
        @Option(help: "The CUPS queue of the card printer.") var printer: String?
        @Option(help: "Finish batch ID: print what it has not printed yet.") var resume: Int64?
        @Option(help: "Cards per print job.") var chunk: Int = 100
        @Option(name: .customLong("option"), help: "A CUPS job option name=value for the driver (repeatable), e.g. media=CR80.") var options: [String] = []
        @Option(help: "Give up waiting for one job after this many seconds (the batch can be resumed).") var jobTimeout: Int = 600

        func validate() throws {
            if resume == nil {
                guard let count else { throw ValidationError("Give --count N (or --resume ID).") }
                guard (1...LedgerDatabase.maximumBatchSize).contains(count) else {
                    throw ValidationError("A batch holds 1 to \(LedgerDatabase.maximumBatchSize.formatted()) cards; \(count.formatted()) was asked. Nothing was allocated.")
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

        func run() throws {
            let database = try data.open()
            let batchID: Int64
            let renderer: CardRenderer
            let queue: String
            var previousQueue: String?
            if let resume {
                let stored = try database.batch(id: resume)
                guard stored.state != .completed else {
                    print("batch \(resume) is already completed: \(stored.items.count) cards printed")
                    return
                }
                guard let storedQueue = printer ?? stored.printer else { throw ValidationError("Batch \(resume) has no printer: give --printer QUEUE.") }
                renderer = try CardRenderer(path: stored.design)
                queue = storedQueue
                previousQueue = stored.printer
                batchID = resume
            } else {
                // Everything that can be wrong is checked before a number is allocated.
                let designPath = URL(fileURLWithPath: design!).standardizedFileURL.path
                renderer = try CardRenderer(path: designPath)
                queue = printer!
                try PrintConnection().requireAccepting(queue)
                let created = try database.createBatch(merchant: merchant, count: count!, design: designPath, printer: queue)
                batchID = created.id
                print("batch \(created.id): \(created.items.count) card numbers allocated for \(created.merchant) (\(created.items.first!.number) … \(created.items.last!.number))")
            }
            let printer = BatchPrinter(database: database, renderer: renderer, connection: try PrintConnection(), queue: queue,
                                       previousQueue: previousQueue, chunkSize: chunk, options: try jobOptions(), jobTimeout: .seconds(jobTimeout))
            let report = try printer.run(batch: batchID)
            let batch = try database.batch(id: batchID)
            let printed = batch.items.filter(\.printed).count
            print("batch \(batchID) \(batch.state): \(printed) of \(batch.items.count) cards printed, \(report.printedNow.count) in this run in \(report.jobs.count) job(s)")
        }
    }

    struct Reprint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one card again: a worn card with its own number, a replaced one with the number that replaced it.")

        @OptionGroup var data: DataOptions
        @Option(help: "The merchant's code; may be left out when the core has one merchant.") var merchant: String?
        @Option(help: "The card design file (JSON).") var design: String
        @Option(help: "The CUPS queue of the card printer.") var printer: String
        @Option(name: .customLong("option"), help: "A CUPS job option name=value (repeatable).") var options: [String] = []
        @Argument(help: "The card number.") var card: String

        func run() throws {
            let renderer = try CardRenderer(path: design)
            let database = try data.open()
            // A replaced card's number is retired: the reprint carries the number that replaced it.
            // A blocked card (lost or stolen) is not put back in circulation by a reprint.
            let target = try database.cardToPrint(merchant: merchant, card: card)
            guard target.status != .blocked else {
                throw ValidationError("Card \(target.number) is blocked (lost or stolen): replace it first (loyalgate cards replace --reason lost \(target.number)), then reprint.")
            }
            if let first = target.replaced.first {
                print("card \(first) was replaced by \(target.number): printing \(target.number)")
            }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("loyalgate-reprint-\(getpid()).pdf").path
            defer { try? FileManager.default.removeItem(atPath: file) }
            try renderer.renderPDF(numbers: [target.number], to: file)
            let connection = try PrintConnection()
            let jobOptions = try parseJobOptions(options)
            let job = try connection.submit(PrintDocument(.file(file), format: PrintDocument.pdf, title: "loyalgate reprint \(target.number)", options: jobOptions), to: printer)
            let status = try connection.wait(for: job, on: printer)
            guard status.state == .completed else {
                throw PrintingError(.jobFailed, "The printer \"\(printer)\" did not print card \(target.number): job \(job) was \(status.state) (\(status.message)).")
            }
            print("card \(target.number) printed (job \(printer)-\(job))")
        }
    }
}

/// `--option name=value` flags as CUPS job options.
func parseJobOptions(_ options: [String]) throws -> [String: String] {
    try Dictionary(options.map { text in
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
