import Foundation
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
