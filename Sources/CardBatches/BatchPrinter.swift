import CardRendering
import Foundation
import LoyaltyStore
import Printing

/// Prints a stored card batch in CUPS jobs of `chunkSize` cards, so that every number of the
/// batch comes off the printer exactly once even if the run is killed and resumed.
///
/// Each chunk's job is recorded in the batch before its data goes to CUPS (as its title, then as
/// title#id), and its cards are marked printed only when CUPS reports the job completed. A resumed
/// run first asks CUPS about such in-flight jobs: completed ones are marked, unfinished ones are
/// waited for, failed or never-created ones are sent again.
public struct BatchPrinter {
    public var database: any CardBatchStore
    public var renderer: CardRenderer
    public var connection: PrintConnection
    public var queue: String
    /// Where an interrupted run sent its jobs, if the batch is resumed on another queue.
    public var previousQueue: String?
    public var chunkSize: Int
    public var attempts = 3
    public var options: [String: String] = [:]
    public var jobTimeout: Duration = .seconds(600)
    /// Progress for the person at the printer, one line at a time.
    public var say: (String) -> Void

    public init(
        database: any CardBatchStore, renderer: CardRenderer, connection: PrintConnection, queue: String,
        previousQueue: String? = nil,
        chunkSize: Int, options: [String: String] = [:], jobTimeout: Duration = .seconds(600),
        say: @escaping (String) -> Void
    ) {
        self.database = database
        self.renderer = renderer
        self.connection = connection
        self.queue = queue
        self.previousQueue = previousQueue
        self.chunkSize = chunkSize
        self.options = options
        self.jobTimeout = jobTimeout
        self.say = say
    }

    public struct Report: Sendable {
        public var printedNow: [String] = []
        public var jobs: [Int] = []
    }

    /// Blocking: call it from a thread that may wait (see `StoreCalls`).
    public func run(batch id: Int64) throws -> Report {
        let database = StoreCalls(store: database)
        var report = Report()
        try settleInFlightJobs(batch: id, database: database, report: &report)
        let left = try database.batch(id: id).unprinted
        guard !left.isEmpty else { return report }
        let scratch = try ScratchFolder.create()
        defer { scratch.remove() }
        for start in stride(from: 0, to: left.count, by: chunkSize) {
            try printChunk(
                batch: id, Array(left[start..<min(start + chunkSize, left.count)]), scratch: scratch,
                database: database, report: &report)
        }
        return report
    }

    // MARK: - A fresh chunk

    private func printChunk(
        batch id: Int64, _ items: [CardBatch.Item], scratch: ScratchFolder, database: StoreCalls,
        report: inout Report
    ) throws {
        let numbers = items.map(\.number)
        let title = "loyalgate batch \(id) cards \(items.first!.position + 1)-\(items.last!.position + 1)"
        let file = try scratch.newPDF("batch-\(id)")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try renderer.renderPDF(numbers: numbers, to: file)
        var lastProblem = ""
        for attempt in 1...attempts {
            try database.markSubmitted(batch: id, numbers: numbers, job: title)
            let document = PrintDocument(.file(file), format: PrintDocument.pdf, title: title, options: options)
            let job = try connection.submit(document, to: queue) { job in
                try database.markSubmitted(batch: id, numbers: numbers, job: "\(title)#\(job)")
            }
            let status = try follow(job, on: queue)
            if status.state == .completed {
                try database.markPrinted(batch: id, numbers: numbers, job: "\(title)#\(job)")
                report.printedNow += numbers
                report.jobs.append(job)
                say(
                    "job \(queue)-\(job): cards \(items.first!.position + 1)-\(items.last!.position + 1) printed (\(numbers.first!) … \(numbers.last!))"
                )
                return
            }
            lastProblem = describe(status)
            try database.markSubmitted(batch: id, numbers: numbers, job: nil)
            say(
                "job \(queue)-\(job) was \(status.state) (\(lastProblem))"
                    + (attempt < attempts
                        ? "; sending those \(numbers.count) cards again (try \(attempt + 1) of \(attempts))" : ""))
        }
        throw PrintingError(
            .jobFailed,
            "The printer \"\(queue)\" could not print cards \(items.first!.position + 1)-\(items.last!.position + 1) of batch \(id) in \(attempts) tries (\(lastProblem)). Fix the printer, then run `loyalgate cards batch --resume \(id)`."
        )
    }

    // MARK: - Jobs an interrupted run left behind

    private func settleInFlightJobs(batch id: Int64, database: StoreCalls, report: inout Report) throws {
        let inFlight = Dictionary(
            grouping: try database.batch(id: id).unprinted.filter { $0.job != nil }, by: { $0.job! })
        for (tag, items) in inFlight.sorted(by: { $0.value[0].position < $1.value[0].position }) {
            let numbers = items.map(\.number)
            let (title, recordedID) = Self.parse(tag)
            // The job id was not recorded if the run died between creating the job and writing
            // it down: the title, unique per batch and chunk, finds it.
            let queue = previousQueue ?? self.queue
            let job = try recordedID ?? connection.jobs(on: queue, titled: title).map(\.id).max()
            guard let job else {
                try database.markSubmitted(batch: id, numbers: numbers, job: nil)
                continue
            }
            guard var status = try knownStatus(of: job, on: queue) else {
                say(
                    "CUPS no longer knows job \(queue)-\(job) (\(title)); its \(numbers.count) cards are sent again: look for doubles in the printer's output tray."
                )
                try database.markSubmitted(batch: id, numbers: numbers, job: nil)
                continue
            }
            if status.state == .pending, status.reasons.contains("job-incoming") {
                // The upload was cut off: CUPS would never print it. Cancel and send again.
                try? connection.cancel(job: job, on: queue)
                try database.markSubmitted(batch: id, numbers: numbers, job: nil)
                continue
            }
            if !status.state.isFinal {
                say("job \(queue)-\(job) from the interrupted run is still \(status.state); waiting for it")
                status = try follow(job, on: queue)
            }
            if status.state == .completed {
                try database.markPrinted(batch: id, numbers: numbers, job: "\(title)#\(job)")
                report.printedNow += numbers
                report.jobs.append(job)
                say(
                    "job \(queue)-\(job) from the interrupted run: cards \(items.first!.position + 1)-\(items.last!.position + 1) printed"
                )
            } else {
                say(
                    "job \(queue)-\(job) from the interrupted run was \(status.state) (\(describe(status))); its cards are sent again"
                )
                try database.markSubmitted(batch: id, numbers: numbers, job: nil)
            }
        }
    }

    /// The job's status, or nil when CUPS has no record of it (history purged, scheduler reset).
    private func knownStatus(of job: Int, on queue: String) throws -> JobStatus? {
        let result = Result { () throws(PrintingError) in try connection.status(of: job, on: queue) }
        if case .failure(let error) = result, error.kind == .noSuchQueue { return nil }
        return try result.get()
    }

    static func parse(_ tag: String) -> (title: String, job: Int?) {
        guard let hash = tag.lastIndex(of: "#"), let job = Int(tag[tag.index(after: hash)...]) else {
            return (tag, nil)
        }
        return (String(tag[..<hash]), job)
    }

    private func follow(_ job: Int, on queue: String) throws -> JobStatus {
        // Said once each time the printer's problems change, not every round of the wait.
        var lastProblems: [String] = []
        return try connection.wait(for: job, on: queue, timeout: jobTimeout) { _, printer in
            let problems = printer?.problems ?? []
            if problems != lastProblems, !problems.isEmpty {
                say("job \(queue)-\(job) waits: \(problems.joined(separator: "; "))")
            }
            lastProblems = problems
            return .keepWaiting
        }
    }

    private func describe(_ status: JobStatus) -> String {
        status.message.isEmpty ? status.reasons.joined(separator: ", ") : status.message
    }
}
