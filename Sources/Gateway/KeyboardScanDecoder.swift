import CEvdev
import ScanDecoding

/// Everything between a keyboard-wedge scanner's bytes and its scans, without I/O: raw
/// `struct input_event` records (reassembled across reads) → characters in the scanner's layout
/// (`KeyDecoder`, libxkbcommon) → scans (`ScanAssembler`). `KeyboardReader` feeds it from the
/// device; the property tests and the benchmark feed it directly.
public final class KeyboardScanDecoder {
    private let keys: KeyDecoder
    private var assembler: ScanAssembler
    private var pending: [UInt8] = []
    public static let recordSize = MemoryLayout<input_event>.size

    public init(layout: String, variant: String? = nil, configuration: ScanAssembler.Configuration) throws {
        keys = try KeyDecoder(layout: layout, variant: variant)
        assembler = ScanAssembler(configuration: configuration)
    }

    /// Feeds bytes as read from the evdev node; a record split across reads is completed by the
    /// next call. Each outcome comes with the event time of the input that completed it.
    public func feed(_ bytes: some Collection<UInt8>, _ emit: (ScanOutcome, Duration) -> Void) {
        pending.append(contentsOf: bytes)
        var offset = 0
        while pending.count - offset >= Self.recordSize {
            let event = pending.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: input_event.self) }
            offset += Self.recordSize
            feed(type: event.type, code: event.code, value: event.value,
                 time: .seconds(event.time.tv_sec) + .microseconds(event.time.tv_usec), emit)
        }
        pending.removeFirst(offset)
    }

    /// Feeds one event.
    public func feed(type: UInt16, code: UInt16, value: Int32, time: Duration, _ emit: (ScanOutcome, Duration) -> Void) {
        switch Int32(type) {
        case EV_KEY:
            guard let key = keys.feed(code: code, value: value, at: time) else { return }
            for outcome in assembler.feed(key) { emit(outcome, time) }
        case EV_SYN where Int32(code) == SYN_DROPPED:
            // The kernel's buffer overflowed: keys were lost, so the burst cannot be trusted.
            assembler.reset()
            keys.reset()
            emit(.malformed("the kernel dropped key events (SYN_DROPPED); the scan in progress was discarded"), time)
        default:
            break
        }
    }

    public var flushDeadline: Duration? { assembler.flushDeadline }

    public func flush(now: Duration, _ emit: (ScanOutcome, Duration) -> Void) {
        for outcome in assembler.flush(now: now) { emit(outcome, now) }
    }

    /// Drops a partial scan and any half-read record (device unplugged).
    public func reset() {
        assembler.reset()
        keys.reset()
        pending = []
    }
}
