/// One keystroke from a keyboard-wedge scanner, already turned into a character (the keycode to
/// character step needs the scanner's keyboard layout and is done with libxkbcommon elsewhere).
///
/// Times are monotonic (e.g. the evdev event timestamp from CLOCK_MONOTONIC) measured from any
/// fixed origin: only differences between them are used, to tell a scanner's bursts from typing.
public enum KeyboardEvent: Sendable, Equatable, Hashable {
    case character(Character, at: Duration)
    case enter(at: Duration)
    case tab(at: Duration)

    public var time: Duration {
        switch self {
        case .character(_, let time), .enter(let time), .tab(let time): time
        }
    }

    /// Enter and Tab that arrive as characters are turned into the key events they stand for, so
    /// the suffix is recognised however the key decoder reports it.
    var normalized: KeyboardEvent {
        guard case .character(let character, let time) = self else { return self }
        switch character {
        case "\r", "\n", "\r\n": return .enter(at: time)
        case "\t": return .tab(at: time)
        default: return self
        }
    }
}
