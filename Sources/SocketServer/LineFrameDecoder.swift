import NIOCore

/// What the framer hands on: a complete line, or notice that a line outgrew the limit.
public enum LineFrame: Sendable, Equatable {
    case line(ByteBuffer)
    case tooLarge
}

/// Splits a byte stream on `\n` without ever buffering more than `maximumLength` bytes of one
/// line: a peer that never sends a newline cannot make the process grow.
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = LineFrame

    let maximumLength: Int
    private var searchedUpTo = 0
    private var reportedTooLarge = false

    public init(maximumLength: Int) {
        self.maximumLength = maximumLength
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard !reportedTooLarge else {
            // The connection is being closed; what follows the oversized line is dropped.
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            return .needMoreData
        }
        let view = buffer.readableBytesView
        let start = view.startIndex + searchedUpTo
        if let newline = view[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - view.startIndex
            searchedUpTo = 0
            if length > maximumLength {
                reportedTooLarge = true
                buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
                context.fireChannelRead(wrapInboundOut(.tooLarge))
                return .needMoreData
            }
            var line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            if line.readableBytesView.last == UInt8(ascii: "\r") {
                line = line.getSlice(at: line.readerIndex, length: line.readableBytes - 1)!
            }
            if line.readableBytes > 0 {
                context.fireChannelRead(wrapInboundOut(.line(line)))
            }
            return .continue
        }
        if buffer.readableBytes > maximumLength {
            reportedTooLarge = true
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            context.fireChannelRead(wrapInboundOut(.tooLarge))
            return .needMoreData
        }
        searchedUpTo = buffer.readableBytes
        return .needMoreData
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        let state = try decode(context: context, buffer: &buffer)
        if state == .needMoreData, buffer.readableBytes > 0, !reportedTooLarge {
            // A last line without its newline is still answered: `printf '{...}' | socat` works.
            let line = buffer.readSlice(length: buffer.readableBytes)!
            searchedUpTo = 0
            context.fireChannelRead(wrapInboundOut(.line(line)))
        }
        return .needMoreData
    }
}
