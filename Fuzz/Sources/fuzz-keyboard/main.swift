import FuzzSupport
import ScanDecoding

/// The keystrokes of a keyboard-wedge scanner (or a person, or a program typing into the same
/// device) through the assembler: whatever the keys and their timing, a scan holds no control
/// character but GS, is never empty and never over the length limit, and time running on ends
/// every burst.
///
/// Input: the suffix, the length limit, then keystrokes of two bytes each: the gap since the
/// previous key (its top bit: in tens of milliseconds, else milliseconds; 0xFF: the clock steps
/// back) and the key (Enter, Tab, a digit, a letter, a control character or one of a few
/// multi-byte characters).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKeyboard(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let suffixes: [ScanAssembler.Configuration.Suffix] = [.enter, .tab, .none]
    let configuration = ScanAssembler.Configuration(
        suffix: suffixes[Int(input.byte()) % suffixes.count], maximumLength: Int(input.byte()))
    var assembler = ScanAssembler(configuration: configuration)
    var now = Duration.seconds(1000)
    // The assembler treats a clock that steps back as no time passing, so "long after the last
    // key" counts from the latest time it was given.
    var latest = now
    var outcomes: [ScanOutcome] = []
    while !input.isAtEnd {
        let gap = input.byte()
        switch gap {
        case 0xFF: now -= .milliseconds(500)
        case 0x80...: now += .milliseconds(10 * Int(gap & 0x7F))
        default: now += .milliseconds(Int(gap))
        }
        latest = max(latest, now)
        let key = input.byte()
        switch key {
        case 0: outcomes += assembler.feed(.enter(at: now))
        case 1: outcomes += assembler.feed(.tab(at: now))
        case 2: outcomes += assembler.flush(now: now)
        default: outcomes += assembler.feed(.character(character(key), at: now))
        }
    }
    // Long after the last key, nothing may be left waiting.
    outcomes += assembler.flush(now: latest + .seconds(10))
    invariant(!assembler.hasPendingInput, "keystrokes still pending long after the last one")
    for outcome in outcomes {
        switch outcome {
        case .scan(let scan):
            invariant(!scan.data.isEmpty, "an empty scan")
            invariant(scan.data.utf8.count <= configuration.maximumLength, "a scan over the limit: \(scan.data)")
            invariant(
                !scan.data.unicodeScalars.contains { $0 != "\u{1D}" && $0.properties.generalCategory == .control },
                "a control character in a scan: \(Array(scan.data.unicodeScalars))")
        case .tooLong(let length):
            invariant(length > configuration.maximumLength, "too long at \(length)")
        case .garbage(let garbage):
            invariant(!garbage.isEmpty, "empty garbage")
        case .malformed, .discardedHumanTyping:
            break
        }
    }
    return 0
}

/// A key's character: printable ASCII mostly, control characters, and characters of several
/// UTF-8 bytes and scalars, so the length limit and the control filter meet all of them.
func character(_ key: UInt8) -> Character {
    switch key {
    case 0x03..<0x20, 0x7F: Character(Unicode.Scalar(key))
    case 0x80..<0x90:
        ["é", "€", "𝄞", "e\u{301}", "\r\n", "\u{E000}", "\u{1D}", "🇳🇱", "\u{200B}", "\u{85}"][
            Int(key - 0x80) % 10]
    case 0x90...: Character(Unicode.Scalar(0x30 + key % 10))
    default: Character(Unicode.Scalar(key))
    }
}
