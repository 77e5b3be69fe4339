import CEvdev
import Foundation
import ScanDecoding

/// A keyboard-wedge scanner: its evdev node opened through libevdev and grabbed (EVIOCGRAB),
/// so its keystrokes reach no other reader (the desktop, the till's browser). Key codes become
/// characters in `KeyDecoder` and scans in `ScanAssembler`.
///
/// Events are read as raw `struct input_event` records with a reassembly buffer rather than
/// with `libevdev_next_event`: libevdev drops a read that is not a whole number of records,
/// which never happens on a kernel evdev node but does on umockdev's PTY-backed emulated node
/// the tests use; the records are the same either way.
final class KeyboardReader: DeviceReader {
    let fd: Int32
    let facts: DeviceFacts
    private(set) var grabbed = false
    private let evdev: OpaquePointer?
    private let decoder: KeyDecoder
    private var assembler: ScanAssembler
    private var pending: [UInt8] = []
    private static let recordSize = MemoryLayout<input_event>.size

    init(facts: DeviceFacts, classification: DeviceClassifier.Classification, maximumLength: Int) throws {
        let fd = open(facts.devnode, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw GatewayError("Cannot open \(facts.devnode): \(errnoText()).") }
        var device: OpaquePointer?
        let status = libevdev_new_from_fd(fd, &device)
        guard status == 0, let device else {
            Glibc.close(fd)
            throw GatewayError("libevdev cannot read \(facts.devnode): \(errnoText(-status)).")
        }
        do {
            decoder = try KeyDecoder(layout: classification.layout, variant: classification.variant)
        } catch {
            libevdev_free(device)
            Glibc.close(fd)
            throw error
        }
        self.fd = fd
        self.facts = facts
        self.evdev = device
        let suffix: ScanAssembler.Configuration.Suffix = switch classification.suffix {
        case "tab": .tab
        case "none": .none
        default: .enter
        }
        assembler = ScanAssembler(configuration: .init(
            suffix: suffix, idleGap: .milliseconds(classification.idleGapMilliseconds), maximumLength: maximumLength))
        grabbed = libevdev_grab(device, LIBEVDEV_GRAB) == 0
    }

    func readAvailable(_ emit: (ScanOutcome, Duration) -> Void) -> String? {
        var buffer = [UInt8](repeating: 0, count: Self.recordSize * 256)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 {
                if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
                if errno == EINTR { continue }
                return "read failed: \(errnoText())"
            }
            if count == 0 { return "the device closed" }
            pending += buffer[..<count]
            var offset = 0
            while pending.count - offset >= Self.recordSize {
                let event = pending.withUnsafeBytes { raw in
                    raw.loadUnaligned(fromByteOffset: offset, as: input_event.self)
                }
                offset += Self.recordSize
                handle(event, emit)
            }
            pending.removeFirst(offset)
        }
    }

    private func handle(_ event: input_event, _ emit: (ScanOutcome, Duration) -> Void) {
        let time = Duration.seconds(event.time.tv_sec) + .microseconds(event.time.tv_usec)
        switch Int32(event.type) {
        case EV_KEY:
            guard let key = decoder.feed(code: event.code, value: event.value, at: time) else { return }
            for outcome in assembler.feed(key) { emit(outcome, time) }
        case EV_SYN where Int32(event.code) == SYN_DROPPED:
            // The kernel's buffer overflowed: keys were lost, so the burst cannot be trusted.
            assembler.reset()
            decoder.reset()
            emit(.malformed("the kernel dropped key events (SYN_DROPPED); the scan in progress was discarded"), time)
        default:
            break
        }
    }

    var flushDeadline: Duration? { assembler.flushDeadline }

    func flush(now: Duration, _ emit: (ScanOutcome, Duration) -> Void) {
        for outcome in assembler.flush(now: now) { emit(outcome, now) }
    }

    func close() {
        assembler.reset()
        if let evdev {
            if grabbed { libevdev_grab(evdev, LIBEVDEV_UNGRAB) }
            libevdev_free(evdev)
        }
        Glibc.close(fd)
    }
}
