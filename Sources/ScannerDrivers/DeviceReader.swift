import Foundation
import Glibc
import ScanDecoding

/// One open scanner node, read by the device loop when its fd is readable. Times are
/// `MonotonicClock` instants.
protocol DeviceReader: AnyObject {
    var fd: Int32 { get }
    var facts: DeviceFacts { get }
    /// Whether the node is held exclusively (keyboard wedges: EVIOCGRAB).
    var grabbed: Bool { get }
    /// Reads what is there and hands over every outcome, with the time of the input that
    /// completed it. Returns an error text when the device failed or went away; it is then closed.
    func readAvailable(_ emit: (ScanOutcome, Duration) -> Void) -> String?
    /// When `flush` must be called next (idle-gap scans, dropped partial bursts); nil if never.
    var flushDeadline: Duration? { get }
    func flush(now: Duration, _ emit: (ScanOutcome, Duration) -> Void)
    /// Closes the node; a partial scan is dropped, never delivered.
    func close()
}

/// What one non-blocking `read` of a scanner node gave.
enum NodeRead {
    /// This many bytes, at the start of the buffer.
    case bytes(Int)
    /// Nothing more for now (EAGAIN): back to `poll()`.
    case drained
    /// The node failed or went away, in words for the log and `device.removed`.
    case failed(String)

    /// Reads at most `count` bytes of `fd` into `buffer`, retrying when a signal interrupts.
    static func read(_ fd: Int32, into buffer: inout [UInt8], count: Int) -> NodeRead {
        while true {
            let got = Glibc.read(fd, &buffer, count)
            if got > 0 { return .bytes(got) }
            if got == 0 { return .failed("the device closed") }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return .drained }
            return .failed("read failed: \(errnoText())")
        }
    }
}
