/// Splits the byte stream of a CDC-ACM (serial) scanner into scans at the configured suffix.
///
/// Reads from a tty split data anywhere, so a code, or the two bytes of CR LF, may arrive across
/// several `feed` calls; the splitter keeps what it needs between calls, and the result does not
/// depend on how the stream was cut. Bytes are decoded as UTF-8 when valid, else ISO-8859-1.
/// Other control bytes are kept: unlike a keyboard wedge, a serial scanner transmits the code's
/// own bytes, and formats such as ISO/IEC 15434 use RS, GS and EOT.
public struct SerialLineSplitter: Sendable {
    public enum Suffix: Sendable, Equatable, Hashable {
        /// CR (0x0D). An LF right after the CR is dropped, so a scanner that actually sends CR LF
        /// does not put a stray LF at the start of every following code.
        case cr
        /// LF (0x0A). A CR right before it is dropped for the same reason.
        case lf
        /// CR LF exactly. A lone CR or LF stays in the data (multi-line QR codes contain them).
        case crlf
        /// Horizontal tab (0x09).
        case tab
    }

    public let suffix: Suffix
    /// Longest accepted code in bytes, suffix excluded (AIM prefix included).
    public let maximumLength: Int

    private var line: [UInt8] = []
    /// A CR seen at the end of the data so far whose meaning depends on the next byte
    /// (`.crlf` and `.lf`); held back so it never counts against the length limit if it is a suffix.
    private var pendingCR = false
    /// `.cr` only: the previous byte ended a code, so an LF now is the second half of CR LF.
    private var justEndedOnCR = false
    /// After `.tooLong`: ignore bytes up to the next suffix.
    private var overflowed = false

    public init(suffix: Suffix = .crlf, maximumLength: Int = 4096) {
        self.suffix = suffix
        self.maximumLength = max(0, maximumLength)
    }

    /// Whether part of a code is waiting for its suffix.
    public var hasPartialScan: Bool { !line.isEmpty || pendingCR || overflowed }

    /// Forgets a partial code (port closed or scanner unplugged); it is never delivered.
    public mutating func reset() {
        line = []
        pendingCR = false
        justEndedOnCR = false
        overflowed = false
    }

    /// Feeds the bytes of one `read()` and returns the outcomes of every code they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [ScanOutcome] {
        var outcomes: [ScanOutcome] = []
        for byte in bytes {
            let followsCR = justEndedOnCR
            justEndedOnCR = false
            switch (suffix, byte) {
            case (.cr, 0x0D):
                endLine(into: &outcomes)
                justEndedOnCR = true
            case (.cr, 0x0A) where followsCR:
                continue
            case (.tab, 0x09):
                endLine(into: &outcomes)
            case (.lf, 0x0A):
                pendingCR = false  // a CR just before the LF is part of the suffix
                endLine(into: &outcomes)
            case (.crlf, 0x0A) where pendingCR:
                pendingCR = false
                endLine(into: &outcomes)
            case (.lf, 0x0D), (.crlf, 0x0D):
                // Hold the CR until the next byte says whether it starts the suffix.
                if pendingCR { append(0x0D, into: &outcomes) }
                pendingCR = true
            default:
                if pendingCR {
                    pendingCR = false
                    append(0x0D, into: &outcomes)
                }
                append(byte, into: &outcomes)
            }
        }
        return outcomes
    }

    private mutating func append(_ byte: UInt8, into outcomes: inout [ScanOutcome]) {
        guard !overflowed else { return }
        guard line.count < maximumLength else {
            outcomes.append(.tooLong(length: line.count + 1))
            line = []
            overflowed = true
            return
        }
        line.append(byte)
    }

    private mutating func endLine(into outcomes: inout [ScanOutcome]) {
        defer {
            line = []
            overflowed = false
        }
        guard !overflowed, let outcome = ScanText.outcome(for: ScanText.string(from: line)) else { return }
        outcomes.append(outcome)
    }
}
