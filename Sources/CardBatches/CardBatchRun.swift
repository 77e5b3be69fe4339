import CardRendering
import Foundation
import LoyaltyDomain
import LoyaltyStore
import Printing

/// A card batch from start to finish: allocate fresh numbers and print them, or finish a batch
/// an earlier run left unprinted. What `loyalgate cards batch` does, without its arguments.
///
/// Blocking, as `BatchPrinter`: run it on a thread that may wait, never from an async context.
public struct CardBatchRun {
    public var database: any CardBatchStore
    public var server: PrintServer
    /// Cards per CUPS job.
    public var chunkSize: Int
    /// CUPS job options for the driver, e.g. `media=CR80`.
    public var jobOptions: [String: String]
    /// How long one job may take before the run stops (the batch can be resumed).
    public var jobTimeout: Duration
    /// Progress for the person at the printer, one line at a time.
    public var say: (String) -> Void

    public init(
        database: any CardBatchStore, server: PrintServer = .standard, chunkSize: Int = 100,
        jobOptions: [String: String] = [:],
        jobTimeout: Duration = .seconds(600), say: @escaping (String) -> Void
    ) {
        self.database = database
        self.server = server
        self.chunkSize = chunkSize
        self.jobOptions = jobOptions
        self.jobTimeout = jobTimeout
        self.say = say
    }

    /// What a run did.
    public struct Outcome: Sendable {
        /// The batch as stored after the run.
        public var batch: CardBatch
        /// Numbers printed by this run (an earlier run's may be among the batch's printed ones).
        public var printedNow: Int
        /// CUPS jobs this run completed.
        public var jobs: Int
        /// The batch was already completed: nothing was sent.
        public var wasAlreadyCompleted: Bool

        public var printed: Int { batch.items.filter(\.printed).count }
    }

    /// Allocates `count` numbers (state issued) for the merchant and prints them on `printer`.
    /// Everything that can be wrong (design, fonts, barcode, queue) is checked before a number is
    /// allocated.
    public func start(merchant: String?, count: Int, design: String, printer: String) throws -> Outcome {
        let (created, renderer) = try checkedAllocation(
            merchant: merchant, count: count, design: design, printer: printer)
        return try print(batch: created.id, renderer: renderer, queue: printer, previousQueue: nil)
    }

    /// The first half of `start`: checks the design and the queue, then allocates the numbers
    /// and records the batch, unprinted. `resume` prints it (the back office does so in the
    /// background and answers at once).
    public func allocate(merchant: String?, count: Int, design: String, printer: String) throws -> CardBatch {
        try checkedAllocation(merchant: merchant, count: count, design: design, printer: printer).batch
    }

    /// The design read once: `start` prints with the renderer that checked it.
    private func checkedAllocation(merchant: String?, count: Int, design: String, printer: String) throws
        -> (batch: CardBatch, renderer: CardRenderer)
    {
        let designPath = URL(fileURLWithPath: design).standardizedFileURL.path
        let renderer = try CardRenderer(path: designPath)
        try PrintConnection(server: server).requireAccepting(printer)
        let created = try StoreCalls(store: database).createBatch(
            merchant: merchant, count: count, design: designPath, printer: printer)
        say(
            "batch \(created.id): \(created.items.count) card numbers allocated for \(created.merchant) (\(created.items.first!.number) … \(created.items.last!.number))"
        )
        return (created, renderer)
    }

    /// Prints what batch `id` has not printed yet, on `printer` or else the queue it was started on.
    public func resume(batch id: Int64, printer: String?) throws -> Outcome {
        let stored = try StoreCalls(store: database).batch(id: id)
        if stored.state == .completed {
            return Outcome(batch: stored, printedNow: 0, jobs: 0, wasAlreadyCompleted: true)
        }
        guard let queue = printer ?? stored.printer else {
            throw CardBatchError("Batch \(id) has no printer: give --printer QUEUE.")
        }
        return try print(
            batch: id, renderer: CardRenderer(path: stored.design), queue: queue, previousQueue: stored.printer)
    }

    private func print(batch id: Int64, renderer: CardRenderer, queue: String, previousQueue: String?) throws -> Outcome
    {
        let printer = BatchPrinter(
            database: database, renderer: renderer, connection: try PrintConnection(server: server), queue: queue,
            previousQueue: previousQueue, chunkSize: chunkSize, options: jobOptions, jobTimeout: jobTimeout, say: say)
        let report = try printer.run(batch: id)
        return Outcome(
            batch: try StoreCalls(store: database).batch(id: id), printedNow: report.printedNow.count,
            jobs: report.jobs.count,
            wasAlreadyCompleted: false)
    }
}
