import CEvdev
import Glibc
import ScanDecoding

/// Everything between a keyboard-wedge scanner's bytes and its scans, without I/O: raw
/// `struct input_event` records (reassembled across reads) → characters in the scanner's layout
/// (`KeyDecoder`, libxkbcommon) → scans (`ScanAssembler`). `KeyboardReader` feeds it from the
/// device; the property tests and the benchmark feed it directly.
public final class KeyboardScanDecoder {
    private let keys: KeyDecoder
    private var assembler: ScanAssembler
    private var pending: [UInt8] = []
    /// The time given to the last event fed from the device (monotonic, in microseconds: the
    /// per-event clock check stays in plain integers, off the 128-bit `Duration` arithmetic).
    private var latestMicroseconds: Int64 = 0
    public static let recordSize = MemoryLayout<input_event>.size

    public init(layout: String, variant: String? = nil, configuration: ScanAssembler.Configuration) throws {
        keys = try KeyDecoder(layout: layout, variant: variant)
        assembler = ScanAssembler(configuration: configuration)
    }

    /// How old a kernel stamp may be, against the read that delivered it, and still be trusted.
    /// A scan's keys are read within milliseconds of being stamped; a second is generous for a
    /// busy PC, and far less than any wall-clock step.
    public static let stampTolerance: Duration = .seconds(1)

    /// Feeds bytes as read from the evdev node at `readAt` (a `MonotonicClock` instant); a record
    /// split across reads is completed by the next call. Each outcome comes with the time of the
    /// input that completed it, on the monotonic clock.
    ///
    /// An event's own stamp is used only when it agrees with `readAt`: not after it and at most
    /// `stampTolerance` before it. The kernel stamps on CLOCK_MONOTONIC once asked
    /// (`libevdev_set_clock_id`), but a kernel or driver that ignores the request stamps in
    /// wall-clock time, which steps; such a stamp is replaced by the read time, so the gaps that
    /// end a suffix-less scan and tell a person typing from a scanner stay on one clock.
    public func feed(_ bytes: some Collection<UInt8>, readAt: Duration, _ emit: (ScanOutcome, Duration) -> Void) {
        pending.append(contentsOf: bytes)
        let read = Self.microseconds(readAt)
        var offset = 0
        while pending.count - offset >= Self.recordSize {
            let event = pending.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: input_event.self) }
            offset += Self.recordSize
            let stamp = Int64(event.time.tv_sec) &* 1_000_000 &+ Int64(event.time.tv_usec)
            // Never backwards: a trusted stamp after a replaced one must not make a negative gap.
            latestMicroseconds = max(latestMicroseconds, Self.trusted(stamp: stamp, readAt: read))
            feed(type: event.type, code: event.code, value: event.value, time: .microseconds(latestMicroseconds), emit)
        }
        pending.removeFirst(offset)
    }

    /// The event's stamp when it agrees with the time it was read, else the time it was read.
    public static func trusted(_ stamp: Duration, readAt: Duration) -> Duration {
        .microseconds(trusted(stamp: microseconds(stamp), readAt: microseconds(readAt)))
    }

    static let stampToleranceMicroseconds = microseconds(stampTolerance)

    static func trusted(stamp: Int64, readAt: Int64) -> Int64 {
        stamp <= readAt && readAt &- stamp <= stampToleranceMicroseconds ? stamp : readAt
    }

    static func microseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds &* 1_000_000 &+ duration.components.attoseconds / 1_000_000_000_000
    }

    /// Feeds one event whose time is already on the monotonic clock.
    public func feed(type: UInt16, code: UInt16, value: Int32, time: Duration, _ emit: (ScanOutcome, Duration) -> Void)
    {
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
