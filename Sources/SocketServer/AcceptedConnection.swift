import NIOConcurrencyHelpers
import NIOCore

/// A connection a listener accepted, handed from the event loop to the task that serves it
/// before it is wrapped in a `NIOAsyncChannel`.
///
/// Why not wrap it in the bootstrap's child initializer, as NIO's examples do: a connection
/// accepted while the listener is closing (a core stopped by SIGTERM just as a till connects)
/// is dropped by the listener's inbound stream, and a wrapped channel dropped without
/// `executeThenClose` traps ("Deinited NIOAsyncWriter without calling finish()", apple/swift-nio
/// #2813). A plain channel can be dropped: this one closes itself when nobody took it.
///
/// Until `open`, whatever arrives (lines, the client's half-close, errors) waits in a handler at
/// the end of the pipeline and is passed on, in order, once the async handler is in place: a
/// client that writes and shuts its side at once still has every line read.
public final class AcceptedConnection<Extra: Sendable>: Sendable {
    public let channel: any Channel
    /// What the child initializer learned beside the channel (the TLS client's certificate).
    public let extra: Extra
    private let hold: NIOLoopBound<InboundHold>
    private let taken = NIOLockedValueBox(false)

    /// Call in the bootstrap's child initializer (on the channel's event loop), after the
    /// channel's own handlers.
    public init(holding channel: any Channel, extra: Extra) throws {
        let hold = InboundHold()
        try channel.pipeline.syncOperations.addHandler(hold)
        self.channel = channel
        self.extra = extra
        self.hold = NIOLoopBound(hold, eventLoop: channel.eventLoop)
    }

    /// Wraps the channel for async use and passes on what arrived before.
    public func open<Inbound: Sendable, Outbound: Sendable>(
        inbound: Inbound.Type = Inbound.self, outbound: Outbound.Type = Outbound.self
    ) async throws -> NIOAsyncChannel<Inbound, Outbound> {
        taken.withLockedValue { $0 = true }
        let channel = self.channel
        let hold = self.hold
        return try await channel.eventLoop.submit {
            let wrapped = try NIOAsyncChannel<Inbound, Outbound>(wrappingChannelSynchronously: channel)
            hold.value.release()
            return wrapped
        }.get()
    }

    deinit {
        if !taken.withLockedValue({ $0 }) { channel.close(promise: nil) }
    }
}

extension AcceptedConnection where Extra == Void {
    public convenience init(holding channel: any Channel) throws { try self.init(holding: channel, extra: ()) }
}

/// Keeps inbound events until `release`, then replays them and leaves the pipeline.
final class InboundHold: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Any

    private enum Event {
        case read(NIOAny)
        case readComplete
        case user(Any)
        case error(any Error)
        case inactive
    }

    private var context: ChannelHandlerContext?
    private var held: [Event] = []

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { held.append(.read(data)) }
    func channelReadComplete(context: ChannelHandlerContext) { held.append(.readComplete) }
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) { held.append(.user(event)) }
    func errorCaught(context: ChannelHandlerContext, error: any Error) { held.append(.error(error)) }
    func channelInactive(context: ChannelHandlerContext) { held.append(.inactive) }

    func release() {
        guard let context else { return }
        let events = held
        held = []
        for event in events {
            switch event {
            case .read(let data): context.fireChannelRead(data)
            case .readComplete: context.fireChannelReadComplete()
            case .user(let event): context.fireUserInboundEventTriggered(event)
            case .error(let error): context.fireErrorCaught(error)
            case .inactive: context.fireChannelInactive()
            }
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
