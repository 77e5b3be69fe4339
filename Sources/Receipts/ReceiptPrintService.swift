import Foundation
import LoyalgateProtocol
import PrinterUSB
import Printing
import ReceiptEncoding

/// Where the receipt side's events go. The gateway publishes them to its tills as `print.job`
/// and `printer.status` events; this module does not know how.
public struct ReceiptEvents: Sendable {
    public var printJob: @Sendable (PrintJobUpdate) -> Void
    public var printerStatus: @Sendable (PrinterStatusUpdate) -> Void

    public init(
        printJob: @escaping @Sendable (PrintJobUpdate) -> Void,
        printerStatus: @escaping @Sendable (PrinterStatusUpdate) -> Void = { _ in }
    ) {
        self.printJob = printJob
        self.printerStatus = printerStatus
    }
}

/// The gateway's receipt side, which the gateway only routes to: `receipt.print` and
/// `printer.status` from the tills, `print.job` and `printer.status` events back (docs/receipts.md).
/// Renders a receipt for the named printer, sends it as a raw job through CUPS, follows the job
/// to completed or failed and reports each step as a `PrintJobUpdate`; watches USB printers'
/// own status.
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
    public let configuration: ReceiptsConfiguration
    let server: PrintServer
    let events: ReceiptEvents
    /// How often a job's state is asked for; a local cupsd answers in well under a millisecond.
    let pollInterval: Duration = .milliseconds(50)
    /// A receipt CUPS has not finished after this long is cancelled and reported failed, even
    /// with no problem reported: nobody waits ten minutes at a till.
    let giveUpAfter: Duration = .seconds(600)

    private let lock = NSLock()
    private var composers: [String: Result<ReceiptComposer, ReceiptsError>] = [:]
    private var jobs: [String: PrintJobUpdate] = [:]
    private var watcher: PrinterStatusWatcher?

    public init(configuration: ReceiptsConfiguration, server: PrintServer = .standard, events: ReceiptEvents) {
        self.configuration = configuration
        self.server = server
        self.events = events
    }

    /// The answer to a `receipt.print`, and what to do once it has been written.
    public struct Ticket: Sendable {
        public let answer: ReceiptPrintAnswer
        /// Starts the job (or repeats a replayed job's current state as an event). Called after
        /// the answer is written, so the till has the job id before its first event.
        public let start: @Sendable () -> Void
    }

    /// `receipt.print` from its request line: the receipt document is decoded once, here.
    public func accept(line: Data) throws(ReceiptsError) -> Ticket {
        try accept(try read(line: line))
    }

    /// The request on a `receipt.print` line (the receipt document decoded once, here).
    public func read(line: Data) throws(ReceiptsError) -> ReceiptPrintRequest {
        do {
            return try ReceiptPrintRequest.read(line: line)
        } catch {
            switch error {
            case .badParameters(let message): throw ReceiptsError(.badRequest, message)
            case .invalidReceipt(let error): throw .receipt(error)
            }
        }
    }

    /// What the gateway learnt of the request's `card` from the core when the receipt was
    /// asked for.
    public enum CardBalances: Sendable {
        /// The core's `card.lookup` answer.
        case fetched(CardLookupAnswer)
        /// The core did not answer or refused (`card` is the number, digits only): the receipt
        /// prints without the balances, with a line saying so.
        case unavailable(card: String)
    }

    /// One voucher as the loyalty block prints it: its code, what it gives, until when.
    static func voucherLine(_ voucher: VoucherView) -> String {
        // What it gives, read off the fields its kind fills (value: amount; percent: rate;
        // item: the item's name).
        let gives =
            if let amount = voucher.amount {
                "\(amount) \(voucher.currency)"
            } else if let percent = voucher.percent {
                "-\(Decimal(string: percent).map { "\($0 * 100)" } ?? percent) %"
            } else {
                voucher.name ?? voucher.sku ?? ""
            }
        return "\(voucher.code) \(gives)" + (voucher.validUntil.map { " (\($0))" } ?? "")
    }

    /// The document with the gateway's loyalty block for `balances`. Earned figures and the
    /// message the till sent stay (they are this sale's); the balance figures are the core's
    /// alone, so a till's copied ones are dropped.
    static func withBalances(_ document: ReceiptDocument, _ balances: CardBalances) -> ReceiptDocument {
        var document = document
        var block = document.loyalty ?? LoyaltyBlock(cardNumber: "")
        block.pointsBalance = nil
        block.discountSpendable = nil
        block.discountBalance = nil
        block.prepaidBalance = nil
        block.stampBalance = nil
        block.vouchers = nil
        block.balanceUnavailable = nil
        block.programEnds = nil
        switch balances {
        case .fetched(let answer):
            block.cardNumber = answer.card.number
            block.programEnds = answer.programEnds
            let account = answer.account
            // A program gives points or discount (or both): each balance that holds something
            // prints, and a card with neither shows both at zero rather than nothing.
            let hasDiscount = account.balance.contains { $0 >= "1" && $0 <= "9" }
            if account.points != 0 || !hasDiscount { block.pointsBalance = Int(account.points) }
            if hasDiscount || account.points == 0 { block.discountBalance = account.balance }
            block.prepaidBalance = account.prepaid
            // Stamps when the card holds some (with what makes the reward), and the card's
            // vouchers that can still be used; the first is printed as its EAN-13 in the footer
            // when the till put no barcode there, so the customer can have it scanned next time.
            if let stamps = account.stamps, stamps > 0 {
                block.stampBalance = answer.stampCard.map { "\(stamps) / \($0.needed)" } ?? String(stamps)
            }
            let vouchers = answer.vouchers ?? []
            if !vouchers.isEmpty {
                block.vouchers = vouchers.map(Self.voucherLine)
                if document.footer?.barcode == nil {
                    var footer = document.footer ?? ReceiptFooter()
                    footer.barcode = FooterBarcode(.ean13, data: vouchers[0].code)
                    document.footer = footer
                }
            }
        case .unavailable(let card):
            block.cardNumber = card
            block.balanceUnavailable = true
        }
        document.loyalty = block
        return document
    }

    /// Checks and renders the receipt and reserves the job; any error here is the answer to the
    /// request and nothing is printed. `balances` is what the gateway fetched for the request's
    /// `card` (nil when it names none).
    public func accept(_ request: ReceiptPrintRequest, balances: CardBalances? = nil) throws(ReceiptsError) -> Ticket {
        let balanceState: PrintJobUpdate.Balance? = balances.map {
            if case .fetched = $0 { return .fetched }
            return .unavailable
        }
        let id = request.printer
        guard let settings = configuration.printers.first(where: { $0.id == id }) else {
            let known = configuration.printers.map(\.id).joined(separator: ", ")
            throw ReceiptsError(
                .unknownPrinter,
                "There is no receipt printer \"\(id.prefix(64))\" here"
                    + (known.isEmpty ? "." : "; the printers are: \(known)."))
        }
        if let key = request.key, key.isEmpty || key.utf8.count > 200 {
            throw ReceiptsError(.invalidReceipt, "key must be 1 to 200 characters.")
        }
        let composer = try composer(for: settings)
        let document: ReceiptDocument
        let receipt = balances.map { Self.withBalances(request.receipt, $0) } ?? request.receipt
        do { document = try composer.prepared(receipt) } catch { throw .receipt(error) }
        let bytes = try composer.render(document, logoPath: composer.template?.logo)
        let job = Self.jobID(printer: id, key: request.key ?? "auto:" + Self.fnv1a(bytes))
        return reserve(job: job, settings: settings, bytes: bytes, balance: balanceState)
    }

    /// `drawer.open`: the drawer pulse as a job of its own, with the same once-per-key rule
    /// as receipts (its keys are kept apart from receipts' keys).
    public func openDrawer(printer id: String, key: String?) throws(ReceiptsError) -> Ticket {
        guard let settings = configuration.printers.first(where: { $0.id == id }) else {
            throw ReceiptsError(.unknownPrinter, "There is no receipt printer \"\(id.prefix(64))\" here.")
        }
        if let key, key.isEmpty || key.utf8.count > 200 {
            throw ReceiptsError(.badRequest, "key must be 1 to 200 characters.")
        }
        let bytes = try composer(for: settings).drawerPulse()
        // Without a key every request is a new pulse (a drawer kick has no content to tell two apart).
        let job = Self.jobID(printer: id, key: "drawer:" + (key ?? UUID().uuidString))
        return reserve(job: job, settings: settings, bytes: bytes, balance: nil)
    }

    /// Reserves the job id: a job already queued, printing or completed is answered `replayed`
    /// with its current state; otherwise a new attempt starts once the answer is written.
    private func reserve(
        job: String, settings: ReceiptPrinterSettings, bytes: [UInt8], balance balanceState: PrintJobUpdate.Balance?
    )
        -> Ticket
    {
        let id = settings.id
        let (attempt, current): (Int, PrintJobUpdate?) = lock.withLock {
            if let existing = jobs[job], existing.state != .failed { return (existing.attempt, existing) }
            let attempt = (jobs[job]?.attempt ?? 0) + 1
            jobs[job] = PrintJobUpdate(job: job, printer: id, state: .queued, attempt: attempt, balance: balanceState)
            return (attempt, nil)
        }
        if let current {
            return Ticket(
                answer: ReceiptPrintAnswer(job: job, replayed: true), start: { [events] in events.printJob(current) })
        }
        return Ticket(
            answer: ReceiptPrintAnswer(job: job, replayed: false),
            start: { [self] in
                DispatchQueue.global().async {
                    self.run(job: job, attempt: attempt, settings: settings, bytes: bytes, balance: balanceState)
                }
            })
    }

    /// `printer.status`: the printer's own status over USB, for printers configured with `usb`.
    public func status(_ request: PrinterStatusRequest) throws(ReceiptsError) -> PrinterStatusUpdate {
        try status(printer: request.printer)
    }

    public func status(printer id: String) throws(ReceiptsError) -> PrinterStatusUpdate {
        guard let settings = configuration.printers.first(where: { $0.id == id }) else {
            throw ReceiptsError(.unknownPrinter, "There is no receipt printer \"\(id.prefix(64))\" here.")
        }
        guard let usb = settings.usb else {
            throw ReceiptsError(
                .printerUnavailable,
                "Receipt printer \"\(id)\" has no \"usb\" in the configuration, so only CUPS knows its state.")
        }
        do {
            return PrinterStatusUpdate(printer: id, status: try USBStatusReader(device: USBDeviceID(usb)).read())
        } catch {
            throw ReceiptsError(.printerUnavailable, error.description)
        }
    }

    /// Starts asking the USB printers for their status every `statusIntervalSeconds`, reporting
    /// changes as `printer.status` events (see `PrinterStatusWatcher`).
    public func startWatchingPrinters() {
        let printers = configuration.printers.filter { $0.usb != nil }.map(\.id)
        let watcher = PrinterStatusWatcher(
            printers: printers, interval: configuration.statusIntervalSeconds,
            read: { [self] in try? status(printer: $0) }, report: events.printerStatus)
        lock.withLock { self.watcher = watcher }
        watcher.start()
    }

    public func stop() {
        lock.withLock { watcher }?.stop()
    }

    // MARK: - Rendering

    private func composer(for settings: ReceiptPrinterSettings) throws(ReceiptsError) -> ReceiptComposer {
        let result: Result<ReceiptComposer, ReceiptsError> = lock.withLock {
            if let cached = composers[settings.id] { return cached }
            let options = RenderOptions(
                cut: settings.cut == "full" ? .full : .partial, openDrawer: settings.openDrawer ?? false)
            let made = Result { () throws(ReceiptsError) in
                try ReceiptComposer(
                    model: settings.model, template: settings.template.flatMap { configuration.templates[$0] },
                    options: options)
            }
            composers[settings.id] = made
            return made
        }
        return try result.get()
    }

    // MARK: - Following the job

    private func emit(_ update: PrintJobUpdate) {
        lock.withLock { jobs[update.job] = update }
        events.printJob(update)
    }

    private func run(
        job: String, attempt: Int, settings: ReceiptPrinterSettings, bytes: [UInt8], balance: PrintJobUpdate.Balance?
    ) {
        func report(_ state: PrintJobUpdate.State, _ reason: String? = nil) {
            emit(
                PrintJobUpdate(
                    job: job, printer: settings.id, state: state, attempt: attempt, reason: reason, balance: balance))
        }
        report(.queued)
        let title = "loyalgate receipt \(job)"
        do {
            let connection = try PrintConnection(server: server)
            // A job with this title that CUPS has not given up on is this receipt already, from
            // an earlier run of the gateway: follow it instead of printing a second copy.
            let earlier = try connection.jobs(on: settings.queue, titled: title)
                .filter { $0.state != .cancelled && $0.state != .aborted }.map(\.id).max()
            let cupsJob =
                try earlier
                ?? connection.submit(
                    PrintDocument(.bytes(bytes), format: PrintDocument.raw, title: title), to: settings.queue)
            try follow(cupsJob, settings: settings, connection: connection, report: report)
        } catch let error as PrintingError {
            report(.failed, error.message)
        } catch {
            report(.failed, "The receipt did not print: \(error).")
        }
    }

    /// Follows the job with `PrintConnection.wait`: `printing` once CUPS sends it, and when the
    /// printer has a problem (offline, paper out, ...) for `failAfterSeconds` the job is cancelled;
    /// `wait` returns only once CUPS has finished it, so it cannot print after the till was told it
    /// failed (and possibly printed the retry).
    private func follow(
        _ cupsJob: Int, settings: ReceiptPrinterSettings, connection: PrintConnection,
        report: (PrintJobUpdate.State, String?) -> Void
    ) throws(PrintingError) {
        let clock = ContinuousClock()
        let started = clock.now
        let failAfter = Duration.milliseconds(Int64(configuration.failAfterSeconds * 1000))
        var printing = false
        var problemSince: ContinuousClock.Instant?
        var gaveUpBecause: String?
        let final = try connection.wait(
            for: cupsJob, on: settings.queue, poll: pollInterval, timeout: giveUpAfter + .seconds(60)
        ) { status, printer in
            if status.state == .processing, !printing {
                printing = true
                report(.printing, nil)
            }
            if clock.now - started >= giveUpAfter {
                gaveUpBecause =
                    "The receipt has not printed in \(giveUpAfter.components.seconds / 60) minutes; it was cancelled."
                return .cancel
            }
            let problem = printer.flatMap {
                CashierReason.from(reasons: $0.reasons, queue: settings.queue, stopped: $0.state == .stopped)
                    ?? CashierReason.from(message: $0.message)
            }
            guard let problem else {
                problemSince = nil
                return .keepWaiting
            }
            let since = problemSince ?? clock.now
            problemSince = since
            guard clock.now - since >= failAfter else { return .keepWaiting }
            gaveUpBecause = problem
            return .cancel
        }
        if final.state == .completed {
            report(.completed, nil)
        } else if let gaveUpBecause {
            report(.failed, usbProblem(settings) ?? gaveUpBecause)
        } else {
            let printer = try? connection.printerStatus(settings.queue)
            report(
                .failed,
                usbProblem(settings) ?? CashierReason.forFinishedJob(final, printer: printer, queue: settings.queue))
        }
    }

    /// The printer's own words, where it is on USB and says more than CUPS (cover open, paper
    /// out): the first problem as a sentence.
    private func usbProblem(_ settings: ReceiptPrinterSettings) -> String? {
        guard let usb = settings.usb, let device = try? USBDeviceID(usb),
            let problem = (try? USBStatusReader(device: device).read())?.problems.first
        else { return nil }
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
