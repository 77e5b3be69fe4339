import CEvdev
import Foundation
import ScanDecoding

/// A keyboard-wedge scanner: its evdev node opened through libevdev and grabbed (EVIOCGRAB),
/// so its keystrokes reach no other reader (the desktop, the till's browser), unless its
/// pass-through mode is `shared` (then the desktop gets them too). The bytes go to a
/// `KeyboardScanDecoder`.
///
/// Events are read as raw `struct input_event` records with a reassembly buffer rather than
/// with `libevdev_next_event`: libevdev drops a read that is not a whole number of records,
/// which never happens on a kernel evdev node but does on umockdev's PTY-backed emulated node
/// the tests use; the records are the same either way.
///
/// The kernel is asked to stamp events with CLOCK_MONOTONIC (`libevdev_set_clock_id`, as
/// libinput does) so the stamps are on the same clock as everything else in the drivers; the
/// decoder still checks each stamp against the time of the read (`KeyboardScanDecoder`).
final class KeyboardReader: DeviceReader {
    let fd: Int32
    let facts: DeviceFacts
    private(set) var grabbed = false
    private let evdev: OpaquePointer?
    private let decoder: KeyboardScanDecoder

    init(facts: DeviceFacts, settings: ScannerSettings) throws {
        let suffix: ScanAssembler.Configuration.Suffix =
            switch settings.suffix {
            case "tab": .tab
            case "none": .none
            default: .enter
            }
        let decoder = try KeyboardScanDecoder(
            layout: settings.layout, variant: settings.variant,
            configuration: .init(suffix: suffix, idleGap: settings.idleGap, maximumLength: settings.maximumLength))
        let fd = open(facts.devnode, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw DriverError("Cannot open \(facts.devnode): \(errnoText()).") }
        var device: OpaquePointer?
        let status = libevdev_new_from_fd(fd, &device)
        guard status == 0, let device else {
            Glibc.close(fd)
            throw DriverError("libevdev cannot read \(facts.devnode): \(errnoText(-status)).")
        }
        self.fd = fd
        self.facts = facts
        self.evdev = device
        self.decoder = decoder
        // Fails only on kernels older than 4.4; the stamps are then checked and replaced anyway.
        _ = libevdev_set_clock_id(device, CLOCK_MONOTONIC)
        if settings.passThrough.grabs { grabbed = libevdev_grab(device, LIBEVDEV_GRAB) == 0 }
    }

    func readAvailable(_ emit: (ScanOutcome, Duration) -> Void) -> String? {
        var buffer = [UInt8](repeating: 0, count: KeyboardScanDecoder.recordSize * 256)
        while true {
            switch NodeRead.read(fd, into: &buffer, count: buffer.count) {
            case .drained: return nil
            case .failed(let why): return why
            case .bytes(let count): decoder.feed(buffer[..<count], readAt: MonotonicClock.now(), emit)
            }
        }
    }

    var flushDeadline: Duration? { decoder.flushDeadline }

    func flush(now: Duration, _ emit: (ScanOutcome, Duration) -> Void) {
        decoder.flush(now: now, emit)
    }

    func close() {
        decoder.reset()
        if let evdev {
            if grabbed { libevdev_grab(evdev, LIBEVDEV_UNGRAB) }
            libevdev_free(evdev)
        }
        Glibc.close(fd)
    }
}
