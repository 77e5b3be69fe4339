import CardDesign
import CardRendering
import Foundation
import LoyalgateProtocol
import LoyaltyCore
import LoyaltyDomain
import LoyaltyStore
import NIOPosix
import Printing
import Synchronization

/// Card batches and reprints for the back office in a browser, done by the core (which holds the
/// ledger) on its own threads: an order answers once its numbers are allocated, and the cards go
/// to the printer in the background, batch after batch, as `loyalgate cards batch` would print
/// them. The web server only shows the progress `batch.list` reports.
///
/// Designs are the JSON files of one folder, named without `.json`; a caller names a design, never
/// a path, so it cannot make the core read a file outside that folder.
public final class CardPrintingDesk: CardPrintDesk {
    private let database: any CardBatchStore
    private let folder: URL
    private let server: PrintServer
    private let jobOptions: [String: String]
    private let say: @Sendable (String) -> Void
    /// Allocation, previews and reprints: short, blocking (store calls waited for, cairo, CUPS) work kept off
    /// the core's async threads.
    private let work = NIOThreadPool(numberOfThreads: 2)
    /// One card printer's worth of batches at a time, in order.
    private let printing = NIOThreadPool(numberOfThreads: 1)

    private struct Progress {
        var running: Set<Int64> = []
        var problems: [Int64: String] = [:]
    }
    private let progress = Mutex(Progress())

    public init(
        database: any CardBatchStore, designs folder: URL, server: PrintServer = .standard,
        jobOptions: [String: String] = [:], say: @escaping @Sendable (String) -> Void
    ) {
        self.database = database
        self.folder = folder.standardizedFileURL
        self.server = server
        self.jobOptions = jobOptions
        self.say = say
        work.start()
        printing.start()
    }

    deinit {
        work.shutdownGracefully { _ in }
        printing.shutdownGracefully { _ in }
    }

    public func designs() throws -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.filter(Self.isDesignName).sorted()
    }

    public func preview(design: String) async throws -> Data {
        let path = try designPath(design)
        return try await blocking {
            let scratch = try ScratchFolder.create()
            defer { scratch.remove() }
            let file = scratch.path + "/preview.png"
            try CardRenderer(path: path).renderPreviewPNG(
                number: CardNumber(prefix: "2", serial: 1).digits, dpi: 150, guides: false, to: file)
            return try Data(contentsOf: URL(fileURLWithPath: file))
        }
    }

    public func order(merchant: String?, count: Int, design: String, printer: String) async throws -> BatchView {
        let path = try designPath(design)
        let created = try await blocking {
            try self.run().allocate(merchant: merchant, count: count, design: path, printer: printer)
        }
        startPrinting(batch: created.id, printer: printer)
        return try await view(of: created.id)
    }

    public func batches(merchant: String?) async throws -> [BatchView] {
        try await database.batchSummaries(merchant: merchant).map(view)
    }

    public func resume(merchant: String?, batch id: Int64, printer: String?) async throws -> BatchView {
        let stored = try await view(of: id)
        // Another merchant's batch is as unknown to this caller as one that does not exist.
        guard merchant == nil || stored.merchant == merchant else {
            throw LoyaltyError(.badRequest, "There is no card batch \(id).")
        }
        guard stored.state != CardBatchState.completed.rawValue, !stored.running else { return stored }
        guard let queue = printer ?? stored.printer else {
            throw LoyaltyError(.badRequest, "Batch \(id) has no printer: name the card printer's queue.")
        }
        try await blocking { try PrintConnection(server: self.server).requireAccepting(queue) }
        startPrinting(batch: id, printer: queue)
        return try await view(of: id)
    }

    public func reprint(merchant: String?, card: String, design: String, printer: String) async throws
        -> CardReprintAnswer
    {
        let path = try designPath(design)
        let outcome = try await blocking {
            try CardReprint(database: self.database, server: self.server, jobOptions: self.jobOptions).run(
                merchant: merchant, card: card, design: path, printer: printer)
        }
        say("card \(outcome.number) reprinted (job \(outcome.queue)-\(outcome.job))")
        return CardReprintAnswer(
            number: outcome.number, replaced: outcome.replaced, printer: outcome.queue, job: outcome.job)
    }

    // MARK: - Printing in the background

    private func startPrinting(batch id: Int64, printer: String) {
        progress.withLock {
            $0.running.insert(id)
            $0.problems[id] = nil
        }
        printing.submit { [self] _ in
            do {
                let outcome = try run().resume(batch: id, printer: printer)
                say(
                    "batch \(id) \(outcome.batch.state): \(outcome.printed) of \(outcome.batch.items.count) cards printed"
                )
                progress.withLock { _ = $0.running.remove(id) }
            } catch {
                // The batch keeps what it printed; the owner resumes it once the printer is fixed.
                let problem = Self.sentence(error)
                say("batch \(id) stopped: \(problem)")
                progress.withLock {
                    $0.running.remove(id)
                    $0.problems[id] = problem
                }
            }
        }
    }

    private func run() -> CardBatchRun {
        CardBatchRun(database: database, server: server, jobOptions: jobOptions, say: say)
    }

    // MARK: - Helpers

    private func view(of id: Int64) async throws -> BatchView {
        guard let summary = try await database.batchSummaries(merchant: nil, batch: id).first else {
            throw LoyaltyError(.badRequest, "There is no card batch \(id).")
        }
        return view(summary)
    }

    private func view(_ batch: CardBatchSummary) -> BatchView {
        let (running, problem) = progress.withLock { ($0.running.contains(batch.id), $0.problems[batch.id]) }
        let name = URL(fileURLWithPath: batch.design).lastPathComponent
        return BatchView(
            batch: batch.id, merchant: batch.merchant,
            design: name.hasSuffix(".json") ? String(name.dropLast(5)) : name,
            printer: batch.printer, state: batch.state.rawValue, count: batch.count, printed: batch.printed,
            firstNumber: batch.firstNumber, lastNumber: batch.lastNumber, running: running, problem: problem)
    }

    private func designPath(_ name: String) throws -> String {
        let known = try designs()
        guard Self.isDesignName(name), known.contains(name) else {
            throw LoyaltyError(
                .badRequest,
                "There is no card design \"\(name.prefix(64))\"; the designs are: \(known.isEmpty ? "none (put design files in \(folder.path))" : known.joined(separator: ", "))."
            )
        }
        return folder.appendingPathComponent(name + ".json").path
    }

    /// A file name without a path: letters, digits, dot, dash and underscore, not starting with a dot.
    static func isDesignName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0))
            }
    }

    private func blocking<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        do {
            return try await work.runIfActive(body)
        } catch let error as LoyaltyError {
            throw error
        } catch {
            throw LoyaltyError(.badRequest, Self.sentence(error))
        }
    }

    /// The error's own sentence: every error of batches, designs and printing says what to do.
    static func sentence(_ error: any Error) -> String {
        switch error {
        case let error as PrintingError: error.message
        case let error as DesignError: error.message
        case let error as CardBatchError: error.message
        case let error as LoyaltyError: error.message
        default: "\(error)"
        }
    }
}
