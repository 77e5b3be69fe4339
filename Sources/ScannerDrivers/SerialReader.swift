import Foundation
import ScanDecoding

/// A CDC-ACM serial scanner (`/dev/ttyACM*`): the tty in raw mode (no echo, no line editing,
/// no CR/LF translation, 8 bits), lines split on the configured suffix.
final class SerialReader: DeviceReader {
    let fd: Int32
    let facts: DeviceFacts
    let grabbed = false
    private var splitter: SerialLineSplitter

    init(facts: DeviceFacts, settings: ScannerSettings) throws {
        let fd = open(facts.devnode, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw DriverError("Cannot open \(facts.devnode): \(errnoText()).") }
        var terminal = termios()
        if tcgetattr(fd, &terminal) == 0 {
            cfmakeraw(&terminal)
            terminal.c_cflag |= tcflag_t(CLOCAL | CREAD)
            tcsetattr(fd, TCSANOW, &terminal)
        }
        self.fd = fd
        self.facts = facts
        let suffix: SerialLineSplitter.Suffix =
            switch settings.suffix {
            case "lf": .lf
            case "crlf": .crlf
            case "tab": .tab
            default: .cr  // "enter"/"cr"; an LF right after the CR is dropped, so CR LF works too
            }
        splitter = SerialLineSplitter(suffix: suffix, maximumLength: settings.maximumLength)
    }

    func readAvailable(_ emit: (ScanOutcome, Duration) -> Void) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count: Int
            switch NodeRead.read(fd, into: &buffer, count: buffer.count) {
            case .drained: return nil
            case .failed(let why): return why
            case .bytes(let got): count = got
            }
            let now = MonotonicClock.now()
            for outcome in splitter.feed(buffer[..<count]) { emit(outcome, now) }
        }
    }

    var flushDeadline: Duration? { nil }
    func flush(now: Duration, _ emit: (ScanOutcome, Duration) -> Void) {}

    func close() {
        splitter.reset()
        Glibc.close(fd)
    }
}
