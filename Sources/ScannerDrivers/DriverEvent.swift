import ScanDecoding

/// What the device loop reports, in the order it happened: the drivers' whole interface to the
/// rest of the gateway. Times are `MonotonicClock` instants.
public enum DriverEvent: Sendable {
    /// A node udev told about (present at start, or plugged in or changed), scanner or not.
    case appeared(DeviceFacts)
    /// A scanner node is open and being read.
    case opened(DeviceFacts, grabbed: Bool, note: String?)
    /// A scanner node could not be opened; `retrying` when the loop will try again shortly
    /// (udev may still be applying group and mode).
    case openFailed(DeviceFacts, error: String, retrying: Bool)
    /// An open node was closed: unplugged, or its read failed (`reason`).
    case closed(DeviceFacts, reason: String)
    /// The node is gone (udev `remove`).
    case disappeared(syspath: String)
    /// A scan or a rejected one, with the monotonic time of the input that completed it.
    case outcome(DeviceFacts, ScanOutcome, at: Duration)
}
