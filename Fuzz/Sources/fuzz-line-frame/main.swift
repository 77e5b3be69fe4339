import FuzzSupport
import NIOCore
import NIOEmbedded
import SocketServer

/// The core's and gateway's line framer on any byte stream, cut into reads anywhere: every line
/// it hands on is one the stream really holds (CR of CR LF removed, empty lines skipped), none is
/// over the limit, a line over the limit is reported once and ends the stream, and where the
/// reads were cut changes nothing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLineFrame(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var input = FuzzInput(start, count)
    // A small limit, so the fuzzer reaches "too large" with short inputs; the framer's logic does
    // not depend on the limit's size (the server uses Frame.maximumLineLength).
    let maximum = 1 + Int(input.byte() % 64)
    let seed = input.byte()
    let stream = input.rest()

    let expected = expectedFrames(stream, maximum: maximum)
    let whole = frames(chunks(stream, seed: 0), maximum: maximum)
    let cut = frames(chunks(stream, seed: seed), maximum: maximum)
    invariant(whole == expected, "framed \(whole) where the stream holds \(expected)")
    invariant(cut == expected, "cut into reads by seed \(seed), framed \(cut) where the stream holds \(expected)")
    return 0
}

enum Framed: Equatable {
    case line([UInt8])
    case tooLarge
}

/// What the stream holds, read the simple way: whole lines, then the unterminated rest at EOF.
func expectedFrames(_ stream: [UInt8], maximum: Int) -> [Framed] {
    var result: [Framed] = []
    var rest = stream[...]
    while let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
        var line = rest[..<newline]
        // The limit counts a CR before the newline: it is part of what the peer made us buffer.
        guard line.count <= maximum else { return result + [.tooLarge] }
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        if !line.isEmpty { result.append(.line(Array(line))) }
        rest = rest[(newline + 1)...]
    }
    guard rest.count <= maximum else { return result + [.tooLarge] }
    // A last line without its newline is still answered, as it came.
    if !rest.isEmpty { result.append(.line(Array(rest))) }
    return result
}

func frames(_ reads: [[UInt8]], maximum: Int) -> [Framed] {
    let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLength: maximum)))
    var result: [Framed] = []
    func drain() {
        while let frame = try? channel.readInbound(as: LineFrame.self) {
            switch frame {
            case .line(let buffer): result.append(.line(Array(buffer.readableBytesView)))
            case .tooLarge: result.append(.tooLarge)
            }
        }
    }
    for read in reads {
        do {
            try channel.writeInbound(channel.allocator.buffer(bytes: read))
        } catch {
            invariant(false, "the framer threw \(error)")
        }
        drain()
    }
    do {
        _ = try channel.finish()
    } catch {
        invariant(false, "the framer threw at the end of the stream: \(error)")
    }
    drain()
    return result
}
