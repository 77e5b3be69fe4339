import Foundation
import Logging
import ScanDecoding

/// The device thread: enumerates scanner nodes at start, follows udev hotplug events, and
/// reads every open scanner, all from one blocking `poll()` loop on its own thread, so driver
/// state (libudev, libevdev, the readers) has one owner and needs no locks, and a hotplug event
/// is handled between two reads, never during one.
///
/// It knows nothing of tills or the core: it asks `select` whether and how to read a node, and
/// tells `report` what happened, in order (`DriverEvent`). `report` is called on the device
/// thread and must not block (the gateway hands the event to its async side through a queue).
public final class DeviceLoop: @unchecked Sendable {
    public typealias Select = @Sendable (DeviceFacts) -> ScannerSettings?
    public typealias Report = @Sendable (DriverEvent) -> Void

    private let select: Select
    private let report: Report
    private let logger: Logger
    // Owned by the device thread once it runs.
    private var readers: [Int32: any DeviceReader] = [:]
    /// Scanner nodes that failed to open, retried a few times: udev may still be applying the
    /// group and mode from the rules when the `add` event arrives.
    private var retries: [(facts: DeviceFacts, attempt: Int, due: Duration)] = []
    // Shared with the thread that calls stop().
    private var wake: [Int32] = [-1, -1]
    private let stopLock = NSLock()
    private var stopping = false
    private var finished: CheckedContinuation<Void, Never>?
    private var thread: Thread?

    public init(logger: Logger, select: @escaping Select, report: @escaping Report) {
        self.select = select
        self.report = report
        self.logger = logger
    }

    /// Starts the thread; returns once the devices present at start have been reported.
    public func start() async throws {
        guard pipe(&wake) == 0 else { throw DriverError("pipe: \(errnoText())") }
        for fd in wake {
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        let result: Result<Void, any Error> = await withCheckedContinuation { started in
            let thread = Thread { [self] in run(started: started) }
            thread.name = "devices"
            stopLock.withLock { self.thread = thread }
            thread.start()
        }
        try result.get()
    }

    /// Asks the thread to close every node and end; returns when it has.
    public func stop() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let alreadyEnded = stopLock.withLock {
                stopping = true
                if thread == nil { return true }
                finished = done
                return false
            }
            if alreadyEnded {
                done.resume()
                return
            }
            var byte: UInt8 = 1
            _ = write(wake[1], &byte, 1)
        }
    }

    private var isStopping: Bool { stopLock.withLock { stopping } }

    private func run(started: CheckedContinuation<Result<Void, any Error>, Never>) {
        let udev: Udev
        let monitor: Udev.Monitor
        do {
            udev = try Udev()
            // The monitor first: a device plugged in during enumeration is then not missed.
            monitor = try Udev.Monitor(udev)
        } catch {
            stopLock.withLock { thread = nil }
            started.resume(returning: .failure(error))
            return
        }
        for facts in udev.enumerate() { add(facts) }
        started.resume(returning: .success(()))

        while !isStopping {
            var fds = [
                pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0),
                pollfd(fd: monitor.fd, events: Int16(POLLIN), revents: 0),
            ]
            fds += readers.keys.sorted().map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let now = MonotonicClock.now()
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
                    case .removed(let syspath, _): remove(syspath: syspath)
                    case nil: break
                    }
                }
            }
            for entry in fds.dropFirst(2) where entry.revents != 0 {
                guard let reader = readers[entry.fd] else { continue }
                if let failure = reader.readAvailable({ emit($0, at: $1, from: reader) }) {
                    logger.error(
                        "scanner read failed; closed until it is plugged in again",
                        metadata: ["node": "\(reader.facts.devnode)", "error": "\(failure)"])
                    close(reader, reason: failure)
                } else if entry.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0, entry.revents & Int16(POLLIN) == 0 {
                    close(reader, reason: "the device hung up")
                }
            }
            let later = MonotonicClock.now()
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
        let done = stopLock.withLock {
            thread = nil
            return finished
        }
        done?.resume()
    }

    private func add(_ facts: DeviceFacts, attempt: Int = 0) {
        if attempt == 0 { report(.appeared(facts)) }
        guard let settings = select(facts) else { return }
        if readers.values.contains(where: { $0.facts.syspath == facts.syspath }) { return }  // "change" of an open node
        let reader: any DeviceReader
        var note: String?
        do {
            switch settings.mode {
            case .keyboard: reader = try KeyboardReader(facts: facts, settings: settings)
            case .hidPOS:
                let hid = try HIDPOSReader(facts: facts, settings: settings)
                note = hid.enableResult.map { "Honeywell HID POS enable report (0xFE = 1): \($0)" }
                reader = hid
            case .serial: reader = try SerialReader(facts: facts, settings: settings)
            }
        } catch {
            let retrying = attempt < 4
            if retrying { retries.append((facts, attempt + 1, MonotonicClock.now() + .milliseconds(200 << attempt))) }
            report(.openFailed(facts, error: "\(error)", retrying: retrying))
            return
        }
        readers[reader.fd] = reader
        report(.opened(facts, grabbed: reader.grabbed, note: note))
    }

    private func remove(syspath: String) {
        retries.removeAll { $0.facts.syspath == syspath }
        if let reader = readers.values.first(where: { $0.facts.syspath == syspath }) {
            // What the device sent before it went is still whole scans; a scan it was in the
            // middle of has no suffix yet and is dropped by close().
            _ = reader.readAvailable { emit($0, at: $1, from: reader) }
            close(reader, reason: "unplugged")
        }
        report(.disappeared(syspath: syspath))
    }

    private func close(_ reader: any DeviceReader, reason: String) {
        readers[reader.fd] = nil
        reader.close()
        report(.closed(reader.facts, reason: reason))
    }

    private func emit(_ outcome: ScanOutcome, at time: Duration, from reader: any DeviceReader) {
        report(.outcome(reader.facts, outcome, at: time))
    }
}
