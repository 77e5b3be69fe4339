import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import Logging
import ScanDecoding

/// Turns scans into `scan` events, one at a time and in the order they were read: card
/// numbers are looked up in the core first, everything else goes straight out as
/// `kind: "other"`. Runs on its own thread so a slow core never stalls the scanners.
///
/// When the core does not answer, the scan still goes out at once with `core-unavailable`, and
/// is kept (up to `maximumUnanswered`) to be looked up again when the core is back; the till
/// then gets a second `scan` event with the same `scanId` and `"resent": true`.
public final class ScanPipeline: @unchecked Sendable {
    struct Job {
        var scanID: Int64
        var deviceID: String
        var scan: Scan
        var at: Date
    }

    private let hub: EventHub
    private let registry: DeviceRegistry
    private let core: CoreLink
    private let configuration: GatewayConfiguration
    private let logger: Logger
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var unanswered: [Job] = []
    private var stopping = false
    private var nextScanID: Int64 = 0
    private var thread: Thread?
    private var warnedNoRanges = false
    static let maximumUnanswered = 1000

    init(corePath: String, configuration: GatewayConfiguration, hub: EventHub, registry: DeviceRegistry, logger: Logger) {
        self.core = CoreLink(path: corePath, timeoutMilliseconds: configuration.coreTimeoutMilliseconds)
        self.configuration = configuration
        self.hub = hub
        self.registry = registry
        self.logger = logger
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "scan-pipeline"
        self.thread = thread
        thread.start()
    }

    func stop() {
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
    }

    func submit(deviceID: String, scan: Scan, at: Date) {
        condition.withLock {
            nextScanID += 1
            jobs.append(Job(scanID: nextScanID, deviceID: deviceID, scan: scan, at: at))
            condition.signal()
        }
    }

    /// For gateway.status: whether the core answers and why not.
    private let statusLock = NSLock()
    private var coreState: (connected: Bool, error: String?, ranges: [GatewayConfiguration.CardRange]) = (false, nil, [])
    var coreStatus: (connected: Bool, error: String?, ranges: [GatewayConfiguration.CardRange]) { statusLock.withLock { coreState } }

    private func run() {
        while true {
            let job: Job? = condition.withLock {
                while !stopping, jobs.isEmpty {
                    // Wake for the next reconnection attempt while lookups are owed.
                    if !unanswered.isEmpty || !core.isConnected {
                        let wait = max(0.01, min(1.0, (core.nextAttempt - ContinuousClock.now).seconds))
                        _ = condition.wait(until: Date(timeIntervalSinceNow: wait))
                        break
                    }
                    condition.wait()
                }
                if stopping { return nil }
                return jobs.isEmpty ? nil : jobs.removeFirst()
            }
            if job == nil, condition.withLock({ stopping }) { return }
            let wasConnected = core.isConnected
            if core.connectIfDue() {
                if !wasConnected { logger.info("core connected", metadata: ["socket": "\(core.path)"]) }
                retryUnanswered()
            }
            publishStatus()
            if let job { process(job) }
        }
    }

    private func publishStatus() {
        let ranges = configuration.cardRanges ?? core.learnedRanges.filter { configuration.merchant == nil || $0.merchant == configuration.merchant }
        statusLock.withLock { coreState = (core.isConnected, core.lastError, ranges) }
    }

    private func cardRange(for data: String) -> GatewayConfiguration.CardRange? {
        guard data.utf8.count == 13, data.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let ranges = configuration.cardRanges ?? core.learnedRanges.filter { configuration.merchant == nil || $0.merchant == configuration.merchant }
        if ranges.isEmpty, !warnedNoRanges {
            warnedNoRanges = true
            logger.warning("card-number ranges unknown: the core has not been reached yet and the configuration has no cardRanges; scans count as \"other\" until then")
        }
        return ranges.first { data.hasPrefix($0.prefix) }
    }

    private func process(_ job: Job) {
        guard let range = cardRange(for: job.scan.data) else {
            publish(job, kind: "other", card: .null, error: .null)
            return
        }
        if core.isConnected || core.connectIfDue() {
            do {
                switch try core.lookup(card: job.scan.data, merchant: range.merchant) {
                case .card(let card): publish(job, kind: "card", card: card, error: .null)
                case .error(let code, let message): publish(job, kind: "card", card: .null, error: Self.error(code, message))
                }
                return
            } catch {
                logger.warning("core lookup failed", metadata: ["error": "\(error)"])
            }
        }
        publish(job, kind: "card", card: .null, error: Self.error("core-unavailable", "The loyalty core is not answering; the card will be looked up again when it is back."))
        publishStatus()
        unanswered.append(job)
        if unanswered.count > Self.maximumUnanswered {
            let dropped = unanswered.removeFirst()
            logger.error("too many card scans waiting for the core; the oldest will not be looked up again", metadata: ["scanId": "\(dropped.scanID)"])
        }
    }

    private func retryUnanswered() {
        while !unanswered.isEmpty, core.isConnected {
            let job = unanswered[0]
            guard let range = cardRange(for: job.scan.data) else {
                unanswered.removeFirst()
                continue
            }
            do {
                switch try core.lookup(card: job.scan.data, merchant: range.merchant) {
                case .card(let card): publish(job, kind: "card", card: card, error: .null, resent: true)
                case .error(let code, let message): publish(job, kind: "card", card: .null, error: Self.error(code, message), resent: true)
                }
                unanswered.removeFirst()
            } catch {
                return
            }
        }
    }

    static func error(_ code: String, _ message: String) -> JSONValue {
        .object(["code": .string(code), "message": .string(message)])
    }

    private func publish(_ job: Job, kind: String, card: JSONValue, error: JSONValue, resent: Bool = false) {
        var fields: [String: JSONValue] = [
            "device": .string(job.deviceID),
            "at": .string(Timestamp.format(job.at)),
            "symbology": job.scan.symbology.map { .string($0.wireName) } ?? .null,
            "data": .string(job.scan.data),
            "kind": .string(kind),
            "card": card,
            "error": error,
            "scanId": .int(job.scanID),
        ]
        if resent { fields["resent"] = .bool(true) }
        hub.publish("scan", deviceID: job.deviceID, fields: fields)
        if !resent { registry.scanned(deviceID: job.deviceID, data: job.scan.data) }
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
