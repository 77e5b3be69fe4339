/// Assembles the keystrokes of a keyboard-wedge scanner into scans.
///
/// Rules:
/// - Suffix `.enter`/`.tab`: a burst ends at the suffix key. Suffix `.none`: a burst ends when no
///   key has come for `idleGap`; the caller signals the passage of time with `flush(now:)` (at
///   `flushDeadline`), and a late keystroke also ends the previous burst.
/// - Human typing is never a scan: a burst with a single keystroke, an average gap between
///   keystrokes (suffix included) above `humanAverageGapThreshold`, or any gap of `idleGap` or
///   more gives `.discardedHumanTyping`. With a suffix configured, a pause therefore does not end
///   the burst, it condemns it, so typing "123", pausing and typing "4⏎" is one rejected burst.
/// - With a suffix configured, a burst silent for `suffixTimeout` is dropped: `.discardedHumanTyping`
///   if it looked human, otherwise `.malformed` (typically a scanner whose suffix setting does not
///   match the configuration).
/// - Control characters other than GS (0x1D, the GS1 separator) are kept out of the scan and
///   reported as one `.garbage` outcome per burst: on a keyboard wedge they come from stray
///   modifier or function keys, never from barcode data a till could use. Enter/Tab that are not
///   the suffix count as such control characters ("\n", "\t").
/// - A burst longer than `maximumLength` UTF-8 bytes is reported once as `.tooLong`; input is then
///   ignored until the next suffix or idle gap.
/// - The AIM identifier, if any, is removed and names the symbology (`AIMIdentifier.decode`).
public struct ScanAssembler: Sendable {
    public let configuration: Configuration

    private var text = ""
    private var garbage = ""
    private var length = 0
    private var keystrokes = 0
    private var firstAt: Duration = .zero
    private var lastAt: Duration = .zero
    private var sawIdleGap = false
    private var overflowed = false

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Whether keystrokes are waiting for a suffix or an idle gap.
    public var hasPendingInput: Bool { keystrokes > 0 }

    /// When `flush(now:)` should next be called; nil when nothing is pending.
    public var flushDeadline: Duration? {
        hasPendingInput ? lastAt + silenceEndingBurst : nil
    }

    /// How long a silence ends the pending burst: the idle gap when it completes a code (no
    /// suffix) or ends an overflow, otherwise the suffix timeout.
    private var silenceEndingBurst: Duration {
        configuration.suffix == .none || overflowed ? configuration.idleGap : configuration.suffixTimeout
    }

    /// Feeds one keystroke. May return several outcomes: the end of the previous burst (when this
    /// key came after a long enough silence) and then whatever this key completes.
    public mutating func feed(_ event: KeyboardEvent) -> [ScanOutcome] {
        var outcomes: [ScanOutcome] = []
        // A clock that steps back is treated as no time passing rather than as a huge gap.
        let time = max(event.time, lastAt)
        if hasPendingInput {
            if time - lastAt >= silenceEndingBurst {
                outcomes += endBurst(bySuffix: false)
            } else if time - lastAt >= configuration.idleGap {
                sawIdleGap = true
            }
        }
        switch (event.normalized, configuration.suffix) {
        case (.enter, .enter), (.tab, .tab):
            guard hasPendingInput else { return outcomes }  // a lone suffix key means nothing
            record(at: time)
            outcomes += endBurst(bySuffix: true)
        case (.enter, _):
            add("\n", at: time, into: &outcomes)
        case (.tab, _):
            add("\t", at: time, into: &outcomes)
        case (.character(let character, _), _):
            add(character, at: time, into: &outcomes)
        }
        return outcomes
    }

    /// Ends the pending burst if it has been silent long enough (see `flushDeadline`). With suffix
    /// `.none` this is what completes a scan.
    public mutating func flush(now: Duration) -> [ScanOutcome] {
        guard hasPendingInput, now - lastAt >= silenceEndingBurst else { return [] }
        return endBurst(bySuffix: false)
    }

    /// Drops the pending burst without reporting it (device unplugged, assembler reused).
    public mutating func reset() {
        text = ""
        garbage = ""
        length = 0
        keystrokes = 0
        sawIdleGap = false
        overflowed = false
    }

    private mutating func record(at time: Duration) {
        if keystrokes == 0 { firstAt = time }
        lastAt = time
        keystrokes += 1
    }

    private mutating func add(_ character: Character, at time: Duration, into outcomes: inout [ScanOutcome]) {
        record(at: time)
        guard !overflowed else { return }
        length += character.utf8.count
        guard length <= configuration.maximumLength else {
            outcomes.append(.tooLong(length: length))
            text = ""
            garbage = ""
            overflowed = true
            return
        }
        if Self.isGarbage(character) {
            garbage.append(character)
        } else {
            text.append(character)
        }
    }

    private mutating func endBurst(bySuffix: Bool) -> [ScanOutcome] {
        defer { reset() }
        if overflowed { return [] }  // already reported as tooLong
        if looksHuman { return [.discardedHumanTyping] }
        var outcomes: [ScanOutcome] = garbage.isEmpty ? [] : [.garbage(garbage)]
        guard !text.isEmpty else { return outcomes }
        if configuration.suffix != .none, !bySuffix {
            outcomes.append(.malformed("burst of \(text.count) characters ended without the configured suffix"))
        } else if let outcome = ScanText.outcome(for: text) {
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// One keystroke gives no timing to judge, and no scanner sends a one-key code, so it counts
    /// as typing. The average is checked as span > threshold × gaps to avoid rounding.
    private var looksHuman: Bool {
        guard keystrokes >= 2, !sawIdleGap else { return true }
        return lastAt - firstAt > configuration.humanAverageGapThreshold * (keystrokes - 1)
    }

    /// Control, private-use, surrogate and unassigned scalars, except GS (0x1D).
    static func isGarbage(_ character: Character) -> Bool {
        character.unicodeScalars.contains { scalar in
            guard scalar != "\u{1D}" else { return false }
            switch scalar.properties.generalCategory {
            case .control, .privateUse, .surrogate, .unassigned: return true
            default: return false
            }
        }
    }
}
