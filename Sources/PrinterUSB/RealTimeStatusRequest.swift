/// The `n` of `DLE EOT n` (Epson ESC/POS "transmit real-time status"): which status byte the
/// printer sends back. The printer answers at once, even while it is busy or offline, which is
/// why this works where CUPS only knows "the job did not finish".
public enum RealTimeStatusRequest: UInt8, Sendable, CaseIterable {
    /// Online/offline, the drawer kick-out connector, waiting for recovery.
    case printer = 1
    /// Why it is offline: cover open, paper fed by the button, paper end stop, error.
    case offlineCause = 2
    /// Which error: autocutter, unrecoverable, auto-recoverable (head temperature).
    case errorCause = 3
    /// The roll paper sensors: near end, end.
    case paperSensor = 4

    /// `DLE EOT n`.
    public var command: [UInt8] { [0x10, 0x04, rawValue] }
}
