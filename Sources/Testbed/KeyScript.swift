import Foundation

/// Key strokes as a keyboard-wedge scanner sends them, and their `struct input_event` bytes.
public struct KeyScript: Sendable {
    /// (evdev key code, 1 press / 0 release)
    public var events: [(code: UInt16, value: Int32)] = []

    public init() {}

    // evdev key codes (linux/input-event-codes.h) used by the tests and the demo.
    public static let leftShift: UInt16 = 42, rightAlt: UInt16 = 100, leftCtrl: UInt16 = 29
    public static let enter: UInt16 = 28, tab: UInt16 = 15, capsLock: UInt16 = 58, numLock: UInt16 = 69

    /// Digits 1-9, 0 on the main row.
    public static let digitRow: [Character: UInt16] = [
        "1": 2, "2": 3, "3": 4, "4": 5, "5": 6, "6": 7, "7": 8, "8": 9, "9": 10, "0": 11,
    ]
    /// Keypad digits.
    public static let keypad: [Character: UInt16] = [
        "7": 71, "8": 72, "9": 73, "4": 75, "5": 76, "6": 77, "1": 79, "2": 80, "3": 81, "0": 82,
    ]
    /// Letter keys by their US QWERTY legend.
    public static let letters: [Character: UInt16] = [
        "q": 16, "w": 17, "e": 18, "r": 19, "t": 20, "y": 21, "u": 22, "i": 23, "o": 24, "p": 25,
        "a": 30, "s": 31, "d": 32, "f": 33, "g": 34, "h": 35, "j": 36, "k": 37, "l": 38,
        "z": 44, "x": 45, "c": 46, "v": 47, "b": 48, "n": 49, "m": 50,
    ]
    public static let usSymbols: [Character: (UInt16, Bool)] = [
        "-": (12, false), "_": (12, true), "=": (13, false), "+": (13, true), "]": (27, false), "[": (26, false),
        ".": (52, false), "/": (53, false), ",": (51, false), " ": (57, false), ":": (39, true), ";": (39, false),
    ]

    /// Presses and releases one key, optionally with modifiers held around it.
    public mutating func tap(_ code: UInt16, with modifiers: [UInt16] = []) {
        for modifier in modifiers { events.append((modifier, 1)) }
        events.append((code, 1))
        events.append((code, 0))
        for modifier in modifiers.reversed() { events.append((modifier, 0)) }
    }

    /// Types text the way a scanner set to the US keyboard layout does.
    public mutating func typeUS(_ text: String) {
        for character in text {
            if let code = Self.digitRow[character] {
                tap(code)
            } else if let code = Self.letters[Character(character.lowercased())] {
                tap(code, with: character.isUppercase ? [Self.leftShift] : [])
            } else if let (code, shifted) = Self.usSymbols[character] {
                tap(code, with: shifted ? [Self.leftShift] : [])
            } else if character == "\u{1D}" {
                tap(27, with: [Self.leftCtrl])  // GS = Ctrl+]
            } else if character == "\n" {
                tap(Self.enter)
            }
        }
    }

    /// A US-layout scan: the text, then Enter.
    public static func usScan(_ text: String) -> KeyScript {
        var script = KeyScript()
        script.typeUS(text)
        script.tap(enter)
        return script
    }

    /// The input_event records (x86-64 layout: timeval, type, code, value) with a SYN_REPORT
    /// after each key event. Key presses are `gap` apart starting at `start` (wall clock, the
    /// evdev default), so the gateway sees a scanner's timing however fast the bytes arrive.
    public func records(start: Duration, gap: Duration) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(events.count * 48)
        var time = start
        for (index, event) in events.enumerated() {
            if index > 0, event.value == 1 { time += gap }
            Self.append(time: time, type: 1, code: event.code, value: event.value, to: &bytes)
            Self.append(time: time, type: 0, code: 0, value: 0, to: &bytes)
        }
        return bytes
    }

    static func append(time: Duration, type: UInt16, code: UInt16, value: Int32, to bytes: inout [UInt8]) {
        let (seconds, attoseconds) = time.components
        withUnsafeBytes(of: Int64(seconds).littleEndian) { bytes += $0 }
        withUnsafeBytes(of: Int64(attoseconds / 1_000_000_000_000).littleEndian) { bytes += $0 }
        withUnsafeBytes(of: type.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: code.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    /// CLOCK_MONOTONIC, as evdev stamps events for the gateway (`libevdev_set_clock_id`).
    public static func now() -> Duration {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec)
    }
}
