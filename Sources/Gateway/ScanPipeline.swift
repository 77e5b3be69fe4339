import Foundation
import Logging
import LoyalgateClient
import LoyalgateProtocol
import LoyaltyDomain
import NIOPosix
import ScanDecoding
import ScannerDrivers

/// The one task between the drivers and the tills: takes the device loop's events in the order
/// they happened (through one unbounded `AsyncStream`, so the device thread never waits) and
/// turns them into till events: device events through `DeviceEventPublisher`, scans into `scan`
/// events, one at a time and in the order they were read. Card numbers are looked up in the core
/// first, everything else goes straight out as `kind: "other"`.
///
/// The core link is a blocking client, so its calls run on a one-thread pool of their own
/// (`coreThread`) and the task awaits them: a slow core never stalls the scanners or the async
/// threads the tills are written from.
///
/// When the core does not answer, the scan still goes out at once with `core-unavailable`, and
/// is kept (up to `maximumUnanswered`) to be looked up again when the core is back; the till
/// then gets a second `scan` event with the same `scanId` and `"resent": true`.
///
/// The state below the stream is the task's own: only `run()` touches it (hence
/// `@unchecked Sendable`); `coreStatus` is read by till requests under `statusLock`.
public final class ScanPipeline: @unchecked Sendable {
    struct Job {
        var scanID: Int64
        var device: Device
        var scan: Scan
        var at: Date
    }

    enum Input: Sendable {
        case driver(DriverEvent)
        /// Time to try the core again (reconnection backoff, lookups owed).
        case coreRetryDue
    }

    private let inputs: AsyncStream<Input>
    private let continuation: AsyncStream<Input>.Continuation
    private let devices: DeviceEventPublisher
    private let hub: EventHub
    private let registry: DeviceRegistry
    private let core: CoreLink
    private let coreThread = NIOThreadPool(numberOfThreads: 1)
    private let configuration: GatewayConfiguration
    let passThrough: KeyboardPassThrough
    private let logger: Logger
    private var unanswered: [Job] = []
    private var nextScanID: Int64 = 0
    private var retryScheduled = false
    private var warnedNoRanges = false
    static let maximumUnanswered = 1000

    init(
        core: CoreEndpoint, configuration: GatewayConfiguration, devices: DeviceEventPublisher, hub: EventHub,
        registry: DeviceRegistry, passThrough: KeyboardPassThrough, logger: Logger
    ) {
        self.passThrough = passThrough
        self.core = CoreLink(endpoint: core, timeoutMilliseconds: configuration.coreTimeoutMilliseconds)
        self.configuration = configuration
        self.devices = devices
        self.hub = hub
        self.registry = registry
        self.logger = logger
        (inputs, continuation) = AsyncStream<Input>.makeStream(bufferingPolicy: .unbounded)
    }

    /// Called by the device loop on its thread: never blocks.
    func deliver(_ event: DriverEvent) {
        continuation.yield(.driver(event))
    }

    /// No more events will come (the device loop has stopped): `run()` finishes what is queued
    /// and returns.
    func finish() {
        continuation.finish()
    }

    /// Serves until `finish()`; events queued before it are still handled.
    func run() async {
        coreThread.start()
        continuation.yield(.coreRetryDue)  // reach the core at start, to learn the card ranges
        for await input in inputs {
            // The core first: lookups owed from before it came back go out before new scans.
            await serviceCore()
            switch input {
            case .driver(let event): await handle(event)
            case .coreRetryDue: retryScheduled = false
            }
            scheduleRetryIfOwed()
        }
        try? await coreThread.shutdownGracefully()
    }

    /// For gateway.status: whether the core answers and why not.
    private let statusLock = NSLock()
    private var coreState = GatewayOp.GatewayStatus.Answer.Core(connected: false, error: nil, cardRanges: [])
    var coreStatus: GatewayOp.GatewayStatus.Answer.Core { statusLock.withLock { coreState } }

    private func handle(_ event: DriverEvent) async {
        switch event {
        case .appeared(let facts): devices.appeared(facts)
        case .opened(let facts, let grabbed, let note): devices.opened(facts, grabbed: grabbed, note: note)
        case .openFailed(let facts, let error, let retrying):
            devices.openFailed(facts, error: error, retrying: retrying)
        case .closed(let facts, let reason): devices.closed(facts, reason: reason)
        case .disappeared(let syspath): devices.disappeared(syspath: syspath)
        case .outcome(let facts, .scan(let scan), let time):
            nextScanID += 1
            // The drivers measure on the monotonic clock; the till is shown wall-clock time,
            // derived here at the edge from how long ago the scan completed.
            let device = registry.device(for: facts)
            let job = Job(scanID: nextScanID, device: device, scan: scan, at: MonotonicClock.wallClockDate(of: time))
            await process(job)
        case .outcome(let facts, let outcome, _): devices.rejected(outcome, from: facts)
        }
    }

    /// Connects when a reconnection is due, and then looks up what is owed.
    private func serviceCore() async {
        let wasConnected = core.isConnected
        // Without a call owed, no trip to the core's thread: a scan goes straight through.
        let owed = wasConnected ? !unanswered.isEmpty : ContinuousClock.now >= core.nextAttempt
        guard owed else { return publishStatus() }
        if (try? await onCoreThread({ $0.connectIfDue() })) ?? false {
            if !wasConnected { logger.info("core connected", metadata: ["core": "\(core.endpoint)"]) }
            await retryUnanswered()
        }
        publishStatus()
    }

    /// Wakes the task for the next reconnection attempt while the core is away or lookups are owed.
    private func scheduleRetryIfOwed() {
        guard !retryScheduled, !unanswered.isEmpty || !core.isConnected else { return }
        retryScheduled = true
        let wait = max(.milliseconds(10), min(.seconds(1), core.nextAttempt - ContinuousClock.now))
        let continuation = self.continuation
        Task {
            try? await Task.sleep(for: wait)
            continuation.yield(.coreRetryDue)
        }
    }

    /// Runs a blocking core-link call on the core's own thread (started in `run()`, so always
    /// active while the task calls it).
    private func onCoreThread<T: Sendable>(_ body: @escaping @Sendable (CoreLink) throws -> T) async throws -> T {
        let core = self.core
        return try await coreThread.runIfActive { try body(core) }
    }

    /// `card.lookup` for a receipt's loyalty block, on the core link's thread like a scan's:
    /// nil when the core does not answer (down, too slow, or the link still backing off, so a
    /// receipt never waits for a reconnection), the core's refusal as a failure.
    /// `merchant` is whose card it was taken to be (its range's, else the configuration's).
    /// The token of the card's own page for a receipt's QR code; nil when the core does not
    /// answer or refuses (the receipt then prints without it).
    func receiptToken(card: String, merchant: String?) async -> String? {
        let answer = try? await onCoreThread { core in
            guard core.connectIfDue() else { throw GatewayError("not connected") }
            return try core.cardholderToken(card: card, merchant: merchant)
        }
        guard case .success(let minted)? = answer else { return nil }
        return minted.token
    }

    func receiptLookup(card: String) async -> (merchant: String?, answer: Result<CardLookupAnswer, LoyaltyError>)? {
        let configured = configuration.cardRanges, merchant = configuration.merchant
        return try? await onCoreThread { core in
            guard core.connectIfDue() else { throw GatewayError("not connected") }
            let range = (configured ?? core.learnedRanges).first { card.hasPrefix($0.prefix) }
            let owner = range?.merchant ?? merchant
            return (owner, try core.lookup(card: card, merchant: owner))
        }
    }

    /// The card ranges scans are matched against: the configuration's, else those learned from
    /// the core (only this gateway's merchant's, when it names one).
    private var cardRanges: [CardRange] {
        configuration.cardRanges
            ?? core.learnedRanges.filter { configuration.merchant == nil || $0.merchant == configuration.merchant }
    }

    private func publishStatus() {
        let state = GatewayOp.GatewayStatus.Answer.Core(
            connected: core.isConnected, error: core.lastError, cardRanges: cardRanges)
        statusLock.withLock { coreState = state }
        GatewayMetrics.coreLink(connected: state.connected)
    }

    private func cardRange(for data: String) -> CardRange? {
        guard data.utf8.count == 13, data.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let ranges = cardRanges
        if ranges.isEmpty, !warnedNoRanges {
            warnedNoRanges = true
            logger.warning(
                "card-number ranges unknown: the core has not been reached yet and the configuration has no cardRanges; scans count as \"other\" until then"
            )
        }
        return ranges.first { data.hasPrefix($0.prefix) }
    }

    /// A voucher code (`VoucherCode`): looked up in the core and sent as `kind: "voucher"` with
    /// its state. Not kept for a second look-up when the core is away: the cashier scans it
    /// again at payment, when it is redeemed anyway.
    private func processVoucher(_ job: Job) async {
        // Whose voucher it is cannot be read off the code: the gateway's merchant, or the
        // core's only one.
        let learned = Set(core.learnedRanges.compactMap(\.merchant))
        let owner = configuration.merchant ?? (learned.count == 1 ? learned.first : nil)
        var connected = core.isConnected
        if !connected { connected = (try? await onCoreThread({ $0.connectIfDue() })) ?? false }
        var answer: Result<VoucherView, LoyaltyError> = .failure(
            LoyaltyError(.coreUnavailable, "The loyalty core is not answering; scan the voucher again when it is back.")
        )
        if connected {
            let data = job.scan.data
            if let found = try? await onCoreThread({ try $0.lookup(voucher: data, merchant: owner) }) {
                answer = found
            }
        }
        var voucher: VoucherView?
        var error: ErrorBody?
        switch answer {
        case .success(let view): voucher = view
        case .failure(let refusal): error = ErrorBody(refusal)
        }
        var event = ScanEvent(
            device: job.device, at: Timestamp.format(job.at), symbology: job.scan.symbology?.wireName,
            data: job.scan.data, kind: .voucher, card: nil, error: error, scanId: job.scanID, resent: nil)
        event.voucher = voucher
        hub.publish(.scan(event), merchant: owner)
        registry.scanned(deviceID: job.device.id, data: job.scan.data)
        var metadata: Logger.Metadata = [
            "device": "\(job.device.id)", "node": "\(job.device.node)", "kind": "voucher", "scanId": "\(job.scanID)",
        ]
        if let owner { metadata["merchant"] = "\(owner)" }
        if let error { metadata["error"] = "\(error.code)" }
        logger.info("scan accepted", metadata: metadata)
    }

    private func process(_ job: Job) async {
        let range = cardRange(for: job.scan.data)
        let isVoucher = range == nil && VoucherCode.isVoucher(job.scan.data)
        // A filter-mode scanner's product codes go on to the focused till program, typed, as
        // soon as the scan is read; its card and voucher scans only with typeCards.
        if let typing = registry.typing(deviceID: job.device.id), (range == nil && !isVoucher) || typing.typeCards {
            passThrough.type(job.scan.data, suffix: typing.suffix, device: job.device.id)
        }
        if isVoucher {
            await processVoucher(job)
            return
        }
        guard let range else {
            publish(job, kind: .other, lookup: nil)
            return
        }
        var connected = core.isConnected
        if !connected { connected = (try? await onCoreThread({ $0.connectIfDue() })) ?? false }
        if connected {
            do {
                let merchant = range.merchant, data = job.scan.data
                publish(
                    job, kind: .card, lookup: try await onCoreThread({ try $0.lookup(card: data, merchant: merchant) }),
                    merchant: merchant)
                return
            } catch {
                logger.warning(
                    "core lookup failed",
                    metadata: [
                        "device": "\(job.device.id)", "merchant": "\(range.merchant ?? "")", "error": "\(error)",
                    ])
            }
        }
        // The status (gateway.status, the core-link gauge) first: a till that saw the event
        // and then asks finds the link down.
        publishStatus()
        publish(
            job, kind: .card,
            lookup: .failure(
                LoyaltyError(
                    .coreUnavailable,
                    "The loyalty core is not answering; the card will be looked up again when it is back.")),
            merchant: range.merchant)
        unanswered.append(job)
        if unanswered.count > Self.maximumUnanswered {
            let dropped = unanswered.removeFirst()
            logger.error(
                "too many card scans waiting for the core; the oldest will not be looked up again",
                metadata: ["scanId": "\(dropped.scanID)"])
        }
    }

    private func retryUnanswered() async {
        while !unanswered.isEmpty, core.isConnected {
            let job = unanswered[0]
            guard let range = cardRange(for: job.scan.data) else {
                unanswered.removeFirst()
                continue
            }
            do {
                let merchant = range.merchant, data = job.scan.data
                publish(
                    job, kind: .card, lookup: try await onCoreThread({ try $0.lookup(card: data, merchant: merchant) }),
                    resent: true)
                unanswered.removeFirst()
            } catch {
                return
            }
        }
    }

    /// A `scan` event: `lookup` is the core's answer for a card scan (nil for other codes).
    /// Whose card a card scan is: its range's merchant, else the configuration's, else the
    /// core's one merchant. Decides which tills see its look-up (`GatewayAccess`).
    private func merchant(of range: CardRange?) -> String? {
        guard let range else { return nil }
        if let merchant = range.merchant ?? configuration.merchant { return merchant }
        let learned = Set(core.learnedRanges.compactMap(\.merchant))
        return learned.count == 1 ? learned.first : nil
    }

    private func publish(
        _ job: Job, kind: ScanEvent.Kind, lookup: Result<CardLookupAnswer, LoyaltyError>?, merchant: String? = nil,
        resent: Bool = false
    ) {
        var card: CardLookupAnswer?
        var error: ErrorBody?
        switch lookup {
        case .success(let answer): card = answer
        case .failure(let refusal): error = ErrorBody(refusal)
        case nil: break
        }
        // Whose card it is: who may see its look-up (the gateway's access rules) and the log's field.
        let owner = merchant ?? (kind == .card ? self.merchant(of: cardRange(for: job.scan.data)) : nil)
        hub.publish(
            .scan(
                ScanEvent(
                    device: job.device, at: Timestamp.format(job.at), symbology: job.scan.symbology?.wireName,
                    data: job.scan.data,
                    kind: kind, card: card, error: error, scanId: job.scanID, resent: resent ? true : nil)),
            merchant: owner)
        if !resent {
            registry.scanned(deviceID: job.device.id, data: job.scan.data)
            // One line per scan for the journal: which scanner, what kind, the core's verdict on
            // a card; never the number itself (a card number identifies a customer).
            var metadata: Logger.Metadata = [
                "device": "\(job.device.id)", "node": "\(job.device.node)", "kind": "\(kind.rawValue)",
                "scanId": "\(job.scanID)",
            ]
            if let owner { metadata["merchant"] = "\(owner)" }
            if let error { metadata["error"] = "\(error.code)" }
            logger.info("scan accepted", metadata: metadata)
        }
    }
}
