import CCups
import Foundation

/// A connection to a CUPS scheduler: submit jobs, follow them, read a queue's state.
///
/// Uses an explicit `http_t` rather than libcups' implicit default connection, so a test's own
/// cupsd (or a site's print server) is addressed without touching global state. Not thread-safe:
/// one connection per thread of work.
public final class PrintConnection {
    public let server: PrintServer
    private let http: OpaquePointer

    public init(server: PrintServer = .standard) throws(PrintingError) {
        self.server = server
        guard
            let http = httpConnect2(
                server.host, Int32(server.port), nil, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, 30_000, nil)
        else {
            throw PrintingError(
                .serverUnreachable,
                "The print service (CUPS) at \(server) does not answer: check that it runs (systemctl status cups).")
        }
        self.http = http
    }

    deinit { httpClose(http) }

    // MARK: - Submitting

    /// Sends a document as a new job and returns its id once CUPS has all of it.
    ///
    /// `created` runs after the job exists and before its data is sent, so a caller can record
    /// the id durably: a run killed during the upload then finds the job again instead of printing twice.
    @discardableResult
    public func submit(_ document: PrintDocument, to queue: String, created: (Int) throws -> Void = { _ in }) throws
        -> Int
    {
        var options: UnsafeMutablePointer<cups_option_t>?
        var count: Int32 = 0
        for (name, value) in document.options.sorted(by: { $0.key < $1.key }) {
            count = cupsAddOption(name, value, count, &options)
        }
        defer { cupsFreeOptions(count, options) }
        let job = Int(cupsCreateJob(http, queue, document.title, count, options))
        guard job > 0 else { throw lastError(queue: queue, doing: "take the job") }
        try created(job)
        guard cupsStartDocument(http, queue, Int32(job), document.title, document.format, 1) == HTTP_STATUS_CONTINUE
        else {
            throw lastError(queue: queue, doing: "take the document")
        }
        switch document.content {
        case .bytes(let bytes):
            try write(bytes[...], queue: queue)
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else {
                _ = cupsFinishDocument(http, queue)
                throw PrintingError(.unreadableDocument, "The file to print, \(path), cannot be read.")
            }
            defer { try? handle.close() }
            while let chunk = try? handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                try write([UInt8](chunk)[...], queue: queue)
            }
        }
        guard cupsFinishDocument(http, queue) == IPP_STATUS_OK else {
            throw lastError(queue: queue, doing: "accept the document")
        }
        return job
    }

    private func write(_ bytes: ArraySlice<UInt8>, queue: String) throws(PrintingError) {
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { cupsWriteRequestData(http, $0.baseAddress, buffer.count) }
        }
        guard status == HTTP_STATUS_CONTINUE else { throw lastError(queue: queue, doing: "receive the document") }
    }

    public func cancel(job: Int, on queue: String) throws(PrintingError) {
        guard cupsCancelJob2(http, queue, Int32(job), 0) == IPP_STATUS_OK else {
            throw lastError(queue: queue, doing: "cancel job \(job)")
        }
    }

    // MARK: - Following

    public func status(of job: Int, on queue: String) throws(PrintingError) -> JobStatus {
        let request = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES)
        ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "job-uri", nil, "ipp://localhost/jobs/\(job)")
        ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nil, cupsUser())
        guard let response = cupsDoRequest(http, request, "/"),
            cupsLastError().rawValue <= IPP_STATUS_OK_CONFLICTING.rawValue
        else {
            throw lastError(queue: queue, doing: "report on job \(job)")
        }
        defer { ippDelete(response) }
        let state = ippFindAttribute(response, "job-state", IPP_TAG_ENUM).map { ippGetInteger($0, 0) } ?? 0
        return JobStatus(
            id: job, state: JobStatus.State(rawValue: state) ?? .pending,
            reasons: strings(response, "job-state-reasons", IPP_TAG_KEYWORD),
            message: strings(response, "job-printer-state-message", IPP_TAG_TEXT).first ?? "")
    }

    /// What a caller following a job wants next (see `wait(for:on:poll:timeout:check:)`).
    public enum WaitStep: Sendable {
        case keepWaiting
        /// Cancel the job, then go on waiting until CUPS has finished it.
        case cancel
    }

    /// The one loop that follows a CUPS job, for card batches and receipts alike: asks for the
    /// job's state every `poll` until it is completed, cancelled or aborted, and returns that
    /// final state.
    ///
    /// Every round, `check` sees the job and the queue's state (nil if the queue cannot be read)
    /// and may ask for `.cancel` (a receipt whose printer has been out of paper too long). The job
    /// is then cancelled and the wait goes on, without calling `check` again, until CUPS reports
    /// the job final: a cancelled job can still complete, and a caller must not tell anyone it
    /// failed while it may yet print.
    ///
    /// Bounded: after `timeout` it throws `.timedOut` naming the printer's problems, and the job
    /// is left as it is (a batch can be resumed later and find it).
    public func wait(
        for job: Int, on queue: String, poll: Duration = .milliseconds(200), timeout: Duration = .seconds(600),
        check: (JobStatus, PrinterStatus?) -> WaitStep = { _, _ in .keepWaiting }
    ) throws(PrintingError) -> JobStatus {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var cancelled = false
        while true {
            let status = try status(of: job, on: queue)
            if status.state.isFinal { return status }
            let printer = try? printerStatus(queue)
            if !cancelled, check(status, printer) == .cancel {
                cancelled = true
                // A job that ends on its own meanwhile cannot be cancelled: the next round sees it final.
                try? cancel(job: job, on: queue)
            }
            guard clock.now < deadline else {
                let why = printer?.problems.joined(separator: "; ") ?? status.message
                throw PrintingError(
                    .timedOut,
                    "The printer \"\(queue)\" has not finished job \(job)" + (why.isEmpty ? "." : ": \(why)."))
            }
            Thread.sleep(forTimeInterval: Double(poll.components.seconds) + Double(poll.components.attoseconds) / 1e18)
        }
    }

    /// Jobs on the queue, finished ones included while CUPS keeps their history, optionally only
    /// those with one title.
    public func jobs(on queue: String, titled title: String? = nil) throws(PrintingError) -> [JobSummary] {
        var list: UnsafeMutablePointer<cups_job_t>?
        let count = cupsGetJobs2(http, &list, queue, 0, CUPS_WHICHJOBS_ALL)
        guard count >= 0 else { throw lastError(queue: queue, doing: "list its jobs") }
        defer { cupsFreeJobs(count, list) }
        return (0..<Int(count)).compactMap { index in
            let job = list![index]
            let jobTitle = job.title.map { String(cString: $0) } ?? ""
            guard title == nil || jobTitle == title else { return nil }
            return JobSummary(
                id: Int(job.id), title: jobTitle,
                state: JobStatus.State(rawValue: Int32(job.state.rawValue)) ?? .pending)
        }
    }

    // MARK: - Printers

    public func printerStatus(_ queue: String) throws(PrintingError) -> PrinterStatus {
        let request = ippNewRequest(IPP_OP_GET_PRINTER_ATTRIBUTES)
        ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nil, "ipp://localhost/printers/\(queue)")
        guard let response = cupsDoRequest(http, request, "/"),
            cupsLastError().rawValue <= IPP_STATUS_OK_CONFLICTING.rawValue
        else {
            throw lastError(queue: queue, doing: "report on the printer")
        }
        defer { ippDelete(response) }
        let state = ippFindAttribute(response, "printer-state", IPP_TAG_ENUM).map { ippGetInteger($0, 0) } ?? 3
        let accepting =
            ippFindAttribute(response, "printer-is-accepting-jobs", IPP_TAG_BOOLEAN).map { ippGetBoolean($0, 0) != 0 }
            ?? true
        return PrinterStatus(
            queue: queue, state: PrinterStatus.State(rawValue: state) ?? .idle, accepting: accepting,
            reasons: strings(response, "printer-state-reasons", IPP_TAG_KEYWORD),
            message: strings(response, "printer-state-message", IPP_TAG_TEXT).first ?? "")
    }

    /// Fails unless the queue exists and takes jobs: checked before a batch allocates numbers.
    public func requireAccepting(_ queue: String) throws(PrintingError) {
        let status = try printerStatus(queue)
        guard status.accepting else {
            throw PrintingError(
                .notAccepting,
                "The printer \"\(queue)\" is not accepting jobs\(status.message.isEmpty ? "" : " (\(status.message))"): run `cupsaccept \(queue)` when it is ready."
            )
        }
    }

    // MARK: - Helpers

    private func strings(_ response: OpaquePointer?, _ name: String, _ tag: ipp_tag_t) -> [String] {
        guard let attribute = ippFindAttribute(response, name, IPP_TAG_ZERO) else { return [] }
        return (0..<ippGetCount(attribute)).compactMap { ippGetString(attribute, $0, nil).map { String(cString: $0) } }
    }

    private func lastError(queue: String, doing what: String) -> PrintingError {
        let status = cupsLastError()
        let words = String(cString: cupsLastErrorString())
        switch status {
        case IPP_STATUS_ERROR_NOT_FOUND:
            return PrintingError(
                .noSuchQueue,
                "There is no printer called \"\(queue)\" here (or the job is gone): `lpstat -p` lists the printers.")
        case IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS:
            return PrintingError(
                .notAccepting,
                "The printer \"\(queue)\" is not accepting jobs: run `cupsaccept \(queue)` when it is ready.")
        case IPP_STATUS_ERROR_SERVICE_UNAVAILABLE,
            IPP_STATUS_ERROR_INTERNAL where words.lowercased().contains("connect"):
            return PrintingError(
                .serverUnreachable,
                "The print service (CUPS) at \(server) does not answer: check that it runs (systemctl status cups).")
        default:
            return PrintingError(.rejected, "The print service could not \(what) for \"\(queue)\": \(words).")
        }
    }
}
