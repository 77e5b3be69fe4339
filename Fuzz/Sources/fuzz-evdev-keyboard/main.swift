import FuzzSupport
import ScanDecoding
import ScannerDrivers

/// Raw `struct input_event` records as read from a keyboard-wedge scanner's evdev node, split
/// into reads anywhere and stamped with any time, through the real chain: records, XKB layout,
/// assembler. Whatever arrives, the decoder delivers scans without control characters (GS
/// aside) and within the length limit, and never traps.
///
/// Input: one byte choosing a layout and suffix, then reads: a length byte, a byte for the time
/// the read happened (milliseconds after the previous one), and the bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEvdevKeyboard(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let decoder = decoders[Int(input.byte()) % decoders.count]
    decoder.reset()
    var now = Duration.seconds(1000)
    var outcomes: [ScanOutcome] = []
    while !input.isAtEnd {
        let length = Int(input.byte())
        now += .milliseconds(Int(input.byte()))
        decoder.feed(input.take(length), readAt: now) { outcome, _ in outcomes.append(outcome) }
    }
    decoder.flush(now: now + .seconds(10)) { outcome, _ in outcomes.append(outcome) }
    for case .scan(let scan) in outcomes {
        invariant(!scan.data.isEmpty, "an empty scan")
        invariant(scan.data.utf8.count <= maximumLength, "a scan over the limit")
        invariant(
            !scan.data.unicodeScalars.contains { $0 != "\u{1D}" && $0.properties.generalCategory == .control },
            "a control character in a scan: \(Array(scan.data.unicodeScalars))")
    }
    return 0
}

let maximumLength = 64

/// Made once: compiling an XKB keymap takes milliseconds; each input starts from `reset()`.
// Unchecked: libFuzzer runs one input at a time on one thread.
nonisolated(unsafe) let decoders: [KeyboardScanDecoder] = [
    ("us", ScanAssembler.Configuration.Suffix.enter), ("de", .tab), ("us", .none),
]
.map { layout, suffix in
    try! KeyboardScanDecoder(
        layout: layout, configuration: .init(suffix: suffix, maximumLength: maximumLength))
}
