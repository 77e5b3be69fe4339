/// What a decoder hands back for a piece of scanner input.
///
/// Everything that is not `.scan` is diagnostic: the gateway logs or counts it but never sends it
/// to a till as a scan. Keeping the failures as values (not thrown errors) lets one input stream
/// carry both good scans and problems in their real order.
public enum ScanOutcome: Sendable, Equatable, Hashable {
    /// A complete scan.
    case scan(Scan)
    /// Input went over the configured maximum length. `length` is how much had arrived when the
    /// limit was crossed (in bytes; see each decoder). The input is dropped, never truncated into a
    /// shorter scan, and reported once per oversized burst.
    case tooLong(length: Int)
    /// A keyboard-wedge burst whose timing looks like a person at a keyboard, not a scanner.
    case discardedHumanTyping
    /// Characters that cannot be part of a scan (control characters other than GS), removed from
    /// the burst they arrived in.
    case garbage(String)
    /// Input that breaks the device's own format (wrong report length, unknown report ID,
    /// a keyboard burst without the configured suffix, ...). The text is for logs.
    case malformed(String)
}
