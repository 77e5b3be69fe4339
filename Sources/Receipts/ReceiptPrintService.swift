import Foundation
import PrinterUSB
import Printing
import ReceiptEncoding

/// `receipt.print` behind the gateway: renders a receipt for the named printer, sends it as a
/// raw job through CUPS, follows the job to completed or failed and reports each step as a
/// `PrintJobEvent`.
///
/// Idempotency (docs/receipts.md): every request has a key, the till's `key` or else one derived
/// from the printer and the rendered bytes. The job id follows from printer and key, so a retry
/// gets the same id. A key whose job is queued, printing or completed is never sent again: the
/// retry is answered with `replayed: true` and the job's current state. Only after `failed` does
/// a retry make a new attempt, and `failed` is reported only once CUPS has finished the job
/// (aborted, or cancelled by this service), so the failed attempt can never print later beside the
/// retry. Jobs are titled `loyalgate receipt JOB`; after a gateway restart the CUPS job history is
/// searched by that title before anything is sent.
public final class ReceiptPrintService: @unchecked Sendable {
    public typealias EventSink = @Sendable (PrintJobEvent) -> Void

    public let configuration: ReceiptsConfiguration
    let server: PrintServer
    let events: EventSink
    /// How often a job's state is asked for; a local cupsd answers in well under a millisecond.
    let pollInterval: TimeInterval = 0.05

    private let lock = NSLock()
    private var composers: [String: Result<ReceiptComposer, ReceiptsError>] = [:]
    private var jobs: [String: PrintJobEvent] = [:]

    public init(configuration: ReceiptsConfiguration, server: PrintServer = .standard, events: @escaping EventSink) {
        self.configuration = configuration
        self.server = server
        self.events = events
    }

    /// The answer to a `receipt.print`, and what to do once it has been written.
    public struct Ticket: Sendable {
        public let job: String
        public let replayed: Bool
        /// Starts the job (or repeats a replayed job's current state as an event). Called after
        /// the answer is written, so the till has the job id before its first event.
        public let start: @Sendable () -> Void
    }

    /// Checks and renders the receipt and reserves the job; any error here is the answer to the
    /// request and nothing is printed.
    public func accept(printer id: String, receipt: Data, key: String?) throws(ReceiptsError) -> Ticket {
        guard let settings = configuration.printers.first(where: { $0.id == id }) else {
            let known = configuration.printers.map(\.id).joined(separator: ", ")
            throw ReceiptsError(.unknownPrinter, "There is no receipt printer \"\(id.prefix(64))\" here" + (known.isEmpty ? "." : "; the printers are: \(known)."))
        }
        if let key, key.isEmpty || key.utf8.count > 200 {
            throw ReceiptsError(.invalidReceipt, "key must be 1 to 200 characters.")
        }
        let composer = try composer(for: settings)
        let document = try composer.document(json: receipt)
        let bytes = try composer.render(document, logoPath: composer.template?.logo)
        let job = Self.jobID(printer: id, key: key ?? "auto:" + Self.fnv1a(bytes))

        let (attempt, current): (Int, PrintJobEvent?) = lock.withLock {
            if let existing = jobs[job], existing.state != .failed { return (existing.attempt, existing) }
            let attempt = (jobs[job]?.attempt ?? 0) + 1
            jobs[job] = PrintJobEvent(job: job, printer: id, state: .queued, attempt: attempt)
            return (attempt, nil)
        }
        if let current {
            return Ticket(job: job, replayed: true, start: { [events] in events(current) })
        }
        return Ticket(job: job, replayed: false, start: { [self] in
            DispatchQueue.global().async { self.run(job: job, attempt: attempt, settings: settings, bytes: bytes) }
        })
    }

    /// The printer's own status over USB, for printers configured with `usb`.
    public func status(printer id: String) throws(ReceiptsError) -> PrinterStatusReport {
        guard let settings = configuration.printers.first(where: { $0.id == id }) else {
            throw ReceiptsError(.unknownPrinter, "There is no receipt printer \"\(id.prefix(64))\" here.")
        }
        guard let usb = settings.usb else {
            throw ReceiptsError(.printerUnavailable, "Receipt printer \"\(id)\" has no \"usb\" in the configuration, so only CUPS knows its state.")
        }
        do { return PrinterStatusReport(printer: id, status: try USBStatusReader(device: USBDeviceID(usb)).read()) } catch {
            throw ReceiptsError(.printerUnavailable, error.description)
        }
    }

    // MARK: - Rendering

    private func composer(for settings: ReceiptPrinterSettings) throws(ReceiptsError) -> ReceiptComposer {
        let result: Result<ReceiptComposer, ReceiptsError> = lock.withLock {
            if let cached = composers[settings.id] { return cached }
            let options = RenderOptions(cut: settings.cut == "full" ? .full : .partial, openDrawer: settings.openDrawer ?? false)
            let made = Result { () throws(ReceiptsError) in
                try ReceiptComposer(model: settings.model, template: settings.template.flatMap { configuration.templates[$0] }, options: options)
            }
            composers[settings.id] = made
            return made
        }
        return try result.get()
    }

    // MARK: - Following the job

    private func emit(_ event: PrintJobEvent) {
        lock.withLock { jobs[event.job] = event }
        events(event)
    }

    private func run(job: String, attempt: Int, settings: ReceiptPrinterSettings, bytes: [UInt8]) {
        func report(_ state: PrintJobEvent.State, _ reason: String? = nil) {
            emit(PrintJobEvent(job: job, printer: settings.id, state: state, reason: reason, attempt: attempt))
        }
        report(.queued)
        let title = "loyalgate receipt \(job)"
        do {
            let connection = try PrintConnection(server: server)
            // A job with this title that CUPS has not given up on is this receipt already, from
            // an earlier run of the gateway: follow it instead of printing a second copy.
            let earlier = try connection.jobs(on: settings.queue, titled: title)
                .filter { $0.state != .cancelled && $0.state != .aborted }.map(\.id).max()
            let cupsJob = try earlier ?? connection.submit(PrintDocument(.bytes(bytes), format: PrintDocument.raw, title: title), to: settings.queue)
            try follow(cupsJob, settings: settings, connection: connection, report: report)
        } catch let error as PrintingError {
            report(.failed, error.message)
        } catch {
            report(.failed, "The receipt did not print: \(error).")
        }
    }

    private func follow(_ cupsJob: Int, settings: ReceiptPrinterSettings, connection: PrintConnection,
                        report: (PrintJobEvent.State, String?) -> Void) throws(PrintingError) {
        var printing = false
        var problemSince: Date?
        while true {
            let status = try connection.status(of: cupsJob, on: settings.queue)
            switch status.state {
            case .completed:
                report(.completed, nil)
                return
            case .aborted, .cancelled:
                let printer = try? connection.printerStatus(settings.queue)
                report(.failed, usbProblem(settings) ?? CashierReason.forFinishedJob(status, printer: printer, queue: settings.queue))
                return
            case .processing where !printing:
                printing = true
                report(.printing, nil)
            default:
                break
            }
            let printer = try? connection.printerStatus(settings.queue)
            let problem = printer.flatMap { CashierReason.from(reasons: $0.reasons, queue: settings.queue, stopped: $0.state == .stopped) ?? CashierReason.from(message: $0.message) }
            if let problem {
                let since = problemSince ?? Date()
                problemSince = since
                if Date().timeIntervalSince(since) >= configuration.failAfterSeconds {
                    try? connection.cancel(job: cupsJob, on: settings.queue)
                    // Report only once CUPS has finished the job, so it cannot print after the
                    // till was told it failed (and possibly printed the retry).
                    while true {
                        let final = try connection.status(of: cupsJob, on: settings.queue)
                        if final.state == .completed { report(.completed, nil); return }
                        if final.state.isFinal { break }
                        Thread.sleep(forTimeInterval: pollInterval)
                    }
                    report(.failed, usbProblem(settings) ?? problem)
                    return
                }
            } else {
                problemSince = nil
            }
            Thread.sleep(forTimeInterval: pollInterval)
        }
    }

    /// The printer's own words, where it is on USB and says more than CUPS (cover open, paper
    /// out): the first problem as a sentence.
    private func usbProblem(_ settings: ReceiptPrinterSettings) -> String? {
        guard let usb = settings.usb, let device = try? USBDeviceID(usb),
              let problem = (try? USBStatusReader(device: device).read())?.problems.first else { return nil }
        return problem.prefix(1).uppercased() + problem.dropFirst() + "."
    }

    // MARK: - Ids

    static func jobID(printer: String, key: String) -> String {
        "r-" + fnv1a(Array((printer + "\u{0}" + key).utf8))
    }

    /// 64-bit FNV-1a as 16 hex digits: a stable id, not a secret.
    static func fnv1a(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
