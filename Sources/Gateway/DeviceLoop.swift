import Foundation
import LoyalgateProtocol
import Logging
import ScanDecoding

/// The device thread: enumerates scanner nodes at start, follows udev hotplug events, and
/// reads every open scanner, all from one `poll()` loop, so device state needs no locks and a
/// hotplug event is handled between two reads, never during one.
final class DeviceLoop: @unchecked Sendable {
    private let classifier: DeviceClassifier
    private let configuration: GatewayConfiguration
    private let hub: EventHub
    private let registry: DeviceRegistry
    private let pipeline: ScanPipeline
    private let logger: Logger
    private var readers: [Int32: any DeviceReader] = [:]
    private var wake: [Int32] = [-1, -1]
    private let stopLock = NSLock()
    private var stopping = false
    private var thread: Thread?
    /// Scanner nodes that failed to open, retried a few times: udev may still be applying the
    /// group and mode from the rules when the `add` event arrives.
    private var retries: [(facts: DeviceFacts, attempt: Int, due: Duration)] = []
    private let started = DispatchSemaphore(value: 0)
    private var startError: (any Error)?

    init(classifier: DeviceClassifier, configuration: GatewayConfiguration, hub: EventHub, registry: DeviceRegistry,
         pipeline: ScanPipeline, logger: Logger) {
        self.classifier = classifier
        self.configuration = configuration
        self.hub = hub
        self.registry = registry
        self.pipeline = pipeline
        self.logger = logger
    }

    /// Starts the thread; returns once the devices present at start are open.
    func start() throws {
        guard pipe(&wake) == 0 else { throw GatewayError("pipe: \(errnoText())") }
        for fd in wake { _ = fcntl(fd, F_SETFL, O_NONBLOCK); _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let thread = Thread { [self] in run() }
        thread.name = "devices"
        self.thread = thread
        thread.start()
        started.wait()
        if let startError { throw startError }
    }

    func stop() {
        stopLock.withLock { stopping = true }
        var byte: UInt8 = 1
        _ = write(wake[1], &byte, 1)
    }

    private var isStopping: Bool { stopLock.withLock { stopping } }

    private func run() {
        let udev: Udev
        let monitor: Udev.Monitor
        do {
            udev = try Udev()
            // The monitor first: a device plugged in during enumeration is then not missed.
            monitor = try Udev.Monitor(udev)
        } catch {
            startError = error
            started.signal()
            return
        }
        for facts in udev.enumerate() { add(facts) }
        started.signal()

        while !isStopping {
            var fds = [pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0), pollfd(fd: monitor.fd, events: Int16(POLLIN), revents: 0)]
            fds += readers.keys.sorted().map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let now = wallClock()
            let deadline = (readers.values.compactMap(\.flushDeadline) + retries.map(\.due)).min()
            let timeout: Int32 = deadline.map { Int32(max(0, min(1000, ($0 - now).seconds * 1000 + 1))) } ?? 1000
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0, errno != EINTR {
                logger.error("poll failed", metadata: ["error": "\(errnoText())"])
                usleep(100_000)
            }
            if fds[1].revents & Int16(POLLIN) != 0 {
                // Drain every queued hotplug event.
                while true {
                    var probe = pollfd(fd: monitor.fd, events: Int16(POLLIN), revents: 0)
                    guard poll(&probe, 1, 0) > 0 else { break }
                    switch monitor.receive() {
                    case .added(let facts): add(facts)
                    case .removed(let syspath, let devnode): remove(syspath: syspath, devnode: devnode, reason: "unplugged")
                    case nil: break
                    }
                }
            }
            for entry in fds.dropFirst(2) where entry.revents != 0 {
                guard let reader = readers[entry.fd] else { continue }
                if let failure = reader.readAvailable({ emit($0, at: $1, from: reader) }) {
                    fail(reader, failure)
                } else if entry.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0, entry.revents & Int16(POLLIN) == 0 {
                    fail(reader, "the device hung up")
                }
            }
            let later = wallClock()
            let due = retries.filter { $0.due <= later }
            retries.removeAll { $0.due <= later }
            for retry in due { add(retry.facts, attempt: retry.attempt) }
            for reader in readers.values {
                if let deadline = reader.flushDeadline, deadline <= later {
                    reader.flush(now: later) { emit($0, at: $1, from: reader) }
                }
            }
        }
        for reader in readers.values { reader.close() }
        readers = [:]
    }

    private func add(_ facts: DeviceFacts, attempt: Int = 0) {
        let classification = classifier.classify(facts)
        registry.seen(facts, classification)
        guard classification.isScanner else {
            logger.debug("not a scanner", metadata: ["node": "\(facts.devnode)", "why": "\(classification.reason)"])
            return
        }
        if readers.values.contains(where: { $0.facts.syspath == facts.syspath }) { return }  // "change" of an open node
        let reader: any DeviceReader
        do {
            switch classification.mode {
            case .keyboard: reader = try KeyboardReader(facts: facts, classification: classification, maximumLength: configuration.maximumScanLength)
            case .hidPOS:
                let hid = try HIDPOSReader(facts: facts, family: classification.family, maximumLength: configuration.maximumScanLength)
                if let result = hid.enableResult {
                    logger.info("Honeywell HID POS enable report (0xFE = 1)", metadata: ["node": "\(facts.devnode)", "result": "\(result)"])
                }
                reader = hid
            case .serial: reader = try SerialReader(facts: facts, classification: classification, maximumLength: configuration.maximumScanLength)
            case nil: return
            }
        } catch {
            registry.failed(facts.syspath, error: "\(error)")
            if attempt < 4 {
                retries.append((facts, attempt + 1, wallClock() + .milliseconds(200 << attempt)))
                logger.warning("scanner cannot be opened yet; trying again", metadata: ["node": "\(facts.devnode)", "error": "\(error)"])
            } else {
                logger.error("scanner cannot be opened", metadata: ["node": "\(facts.devnode)", "id": "\(facts.id)", "error": "\(error)"])
            }
            return
        }
        let firstNode = !registry.isOpen(deviceID: facts.id, except: facts.syspath)
        readers[reader.fd] = reader
        registry.opened(facts.syspath, grabbed: reader.grabbed)
        logger.info("scanner added", metadata: ["node": "\(facts.devnode)", "id": "\(facts.id)", "mode": "\(classification.mode!.rawValue)",
                                                "layout": "\(classification.layout)", "grabbed": "\(reader.grabbed)", "why": "\(classification.reason)"])
        if classification.mode == .keyboard, !reader.grabbed {
            logger.warning("scanner not grabbed: another program holds it (keyd, a kiosk?); its keys also reach the desktop", metadata: ["node": "\(facts.devnode)"])
        }
        if firstNode, let device = registry.deviceObject(syspath: facts.syspath) {
            hub.publish("device.added", deviceID: facts.id, fields: ["device": device])
        }
    }

    private func remove(syspath: String, devnode: String?, reason: String) {
        retries.removeAll { $0.facts.syspath == syspath }
        guard let reader = readers.values.first(where: { $0.facts.syspath == syspath }) else {
            registry.removed(syspath)
            return
        }
        // What the device sent before it went is still whole scans; a scan it was in the middle
        // of has no suffix yet and is dropped by close().
        _ = reader.readAvailable { emit($0, at: $1, from: reader) }
        close(reader, reason: reason)
        registry.removed(syspath)
    }

    private func fail(_ reader: any DeviceReader, _ failure: String) {
        logger.error("scanner read failed; closed until it is plugged in again", metadata: ["node": "\(reader.facts.devnode)", "error": "\(failure)"])
        close(reader, reason: failure)
        registry.failed(reader.facts.syspath, error: failure)
    }

    private func close(_ reader: any DeviceReader, reason: String) {
        let device = registry.deviceObject(syspath: reader.facts.syspath)
        readers[reader.fd] = nil
        reader.close()
        registry.failed(reader.facts.syspath, error: reason)
        logger.info("scanner removed", metadata: ["node": "\(reader.facts.devnode)", "id": "\(reader.facts.id)", "reason": "\(reason)"])
        if !registry.isOpen(deviceID: reader.facts.id, except: reader.facts.syspath), let device {
            hub.publish("device.removed", deviceID: reader.facts.id, fields: ["device": device, "reason": .string(reason)])
        }
    }

    private func emit(_ outcome: ScanOutcome, at time: Duration, from reader: any DeviceReader) {
        let id = reader.facts.id
        switch outcome {
        case .scan(let scan):
            pipeline.submit(deviceID: id, scan: scan, at: Date(timeIntervalSince1970: time.seconds))
        case .tooLong(let length):
            logger.warning("scan rejected: too long", metadata: ["node": "\(reader.facts.devnode)", "length": "\(length)"])
            hub.publish("scan.rejected", deviceID: id, fields: ["device": .string(id), "reason": .string("too-long"),
                                                              "message": .string("A scan of more than \(configuration.maximumScanLength) bytes was dropped.")])
        case .malformed(let why):
            logger.warning("scan rejected: malformed", metadata: ["node": "\(reader.facts.devnode)", "why": "\(why)"])
            hub.publish("scan.rejected", deviceID: id, fields: ["device": .string(id), "reason": .string("malformed"), "message": .string(why)])
        case .garbage(let text):
            let shown = text.unicodeScalars.prefix(32).map { String(format: "U+%04X", $0.value) }.joined(separator: " ")
            logger.warning("non-printable characters removed from a scan", metadata: ["node": "\(reader.facts.devnode)", "characters": "\(shown)"])
        case .discardedHumanTyping:
            logger.info("keys typed by hand on a scanner ignored", metadata: ["node": "\(reader.facts.devnode)"])
        }
    }
}
