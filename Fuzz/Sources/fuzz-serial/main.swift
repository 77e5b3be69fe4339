import FuzzSupport
import ScanDecoding

/// The byte stream of a serial (CDC-ACM) scanner through the line splitter: the scans do not
/// depend on how the tty split the stream into reads (the splitter's own promise), never exceed
/// the length limit, and are never empty.
///
/// Input: the suffix, the length limit, a seed for where the reads are cut, then the stream.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSerial(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    let suffixes: [SerialLineSplitter.Suffix] = [.cr, .lf, .crlf, .tab]
    let suffix = suffixes[Int(input.byte()) % suffixes.count]
    let maximum = Int(input.byte())
    let seed = input.byte()
    let stream = input.rest()

    func split(_ reads: [[UInt8]]) -> [ScanOutcome] {
        var splitter = SerialLineSplitter(suffix: suffix, maximumLength: maximum)
        return reads.flatMap { splitter.feed($0) }
    }
    let whole = split([stream])
    let cut = split(chunks(stream, seed: seed))
    let byteByByte = split(stream.map { [$0] })
    invariant(cut == whole, "cut by seed \(seed): \(cut), in one read: \(whole)")
    invariant(byteByByte == whole, "byte by byte: \(byteByByte), in one read: \(whole)")
    for outcome in whole {
        switch outcome {
        case .scan(let scan):
            invariant(!scan.data.isEmpty, "an empty scan")
            // Each byte becomes at most one scalar; the AIM prefix counts against the limit.
            invariant(scan.data.unicodeScalars.count <= maximum, "a scan over the limit \(maximum)")
        case .tooLong(let length):
            invariant(length > maximum, "too long at \(length)")
        case .malformed, .garbage, .discardedHumanTyping:
            break
        }
    }
    return 0
}
