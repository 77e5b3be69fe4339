import CardRendering
import Foundation
import LoyaltyDomain
import LoyaltyStore
import Printing

/// One card printed again: a worn card with its own number, a replaced one with the number that
/// replaced it. What `loyalgate cards reprint` does, without its arguments.
public struct CardReprint {
    public var database: any CardBatchStore
    public var server: PrintServer
    public var jobOptions: [String: String]

    public init(database: any CardBatchStore, server: PrintServer = .standard, jobOptions: [String: String] = [:]) {
        self.database = database
        self.server = server
        self.jobOptions = jobOptions
    }

    public struct Outcome: Sendable {
        /// The number printed.
        public var number: String
        /// The number(s) it replaced, newest first, when the card asked for had been replaced.
        public var replaced: [String]
        public var queue: String
        public var job: Int
    }

    /// Prints `card` of the merchant with `design` on `printer` and waits for the job to finish.
    /// `before` is told what will be printed once that is known (a replaced card's successor).
    /// Blocking, as `BatchPrinter`.
    public func run(
        merchant: String?, card: String, design: String, printer: String,
        before: (String, [String]) -> Void = { _, _ in }
    ) throws -> Outcome {
        let renderer = try CardRenderer(path: design)
        // A replaced card's number is retired: the reprint carries the number that replaced it.
        // A blocked card (lost or stolen) is not put back in circulation by a reprint.
        let target = try StoreCalls(store: database).cardToPrint(merchant: merchant, card: card)
        guard target.status != .blocked else {
            throw CardBatchError(
                "Card \(target.number) is blocked (lost or stolen): replace it first (loyalgate cards replace --reason lost \(target.number)), then reprint."
            )
        }
        before(target.number, target.replaced)
        let scratch = try ScratchFolder.create()
        defer { scratch.remove() }
        let file = try scratch.newPDF("reprint")
        try renderer.renderPDF(numbers: [target.number], to: file)
        let connection = try PrintConnection(server: server)
        let document = PrintDocument(
            .file(file), format: PrintDocument.pdf, title: "loyalgate reprint \(target.number)", options: jobOptions)
        let job = try connection.submit(document, to: printer)
        let status = try connection.wait(for: job, on: printer)
        guard status.state == .completed else {
            throw PrintingError(
                .jobFailed,
                "The printer \"\(printer)\" did not print card \(target.number): job \(job) was \(status.state) (\(status.message))."
            )
        }
        return Outcome(number: target.number, replaced: target.replaced, queue: printer, job: job)
    }
}
