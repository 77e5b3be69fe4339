import NIOCore
import NIOEmbedded
import SocketServer
import Testing

/// The framer, fed the way a socket feeds it: in one piece, byte by byte, and in floods.
@Suite struct LineFrameDecoderTests {
    func decode(_ chunks: [String], limit: Int = 32) throws -> [LineFrame] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLength: limit)))
        for chunk in chunks {
            try channel.writeInbound(ByteBuffer(string: chunk))
        }
        var frames: [LineFrame] = []
        while let frame = try channel.readInbound(as: LineFrame.self) { frames.append(frame) }
        _ = try? channel.finish()
        return frames
    }

    func lines(_ frames: [LineFrame]) -> [String] {
        frames.compactMap { if case .line(let buffer) = $0 { String(buffer: buffer) } else { nil } }
    }

    @Test func splitsManyLinesArrivingTogether() throws {
        #expect(lines(try decode(["{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n"])) == ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"])
    }

    @Test func joinsALineDripFedByteByByte() throws {
        let text = "{\"op\":\"x\"}\n{\"op\":\"y\"}\n"
        #expect(lines(try decode(text.map { String($0) })) == ["{\"op\":\"x\"}", "{\"op\":\"y\"}"])
    }

    @Test func acceptsCRLFAndSkipsEmptyLines() throws {
        #expect(lines(try decode(["a\r\n\n\nb\n"])) == ["a", "b"])
    }

    @Test func aLineExactlyAtTheLimitPassesOneByteMoreDoesNot() throws {
        let exact = String(repeating: "x", count: 32)
        #expect(lines(try decode([exact + "\n"])) == [exact])
        #expect(try decode([exact + "y\n"]) == [.tooLarge])
    }

    @Test func aFloodWithoutNewlineIsCutOffWithoutBufferingIt() throws {
        let frames = try decode(Array(repeating: String(repeating: "z", count: 10), count: 100))
        #expect(frames == [.tooLarge])
    }

    @Test func linesBeforeAnOversizedOneAreStillDelivered() throws {
        let frames = try decode(["ok\n" + String(repeating: "z", count: 40) + "\nafter\n"])
        #expect(frames.count == 2)
        #expect(lines(frames) == ["ok"])
        #expect(frames.last == .tooLarge)
    }
}
