import NIOConcurrencyHelpers
import NIOCore

/// A connection a listener accepted, wrapped for async use in the bootstrap's child initializer
/// (so every byte the client sends is kept from the first instant, even when it closes at once),
/// and handed to the task that serves it.
///
/// Why not hand the `NIOAsyncChannel` itself, as NIO's examples do: a connection accepted while
/// the listener is closing (a core stopped by SIGTERM just as a till connects) is dropped by the
/// listener's inbound stream, and a wrapped channel dropped without `executeThenClose` traps
/// ("Deinited NIOAsyncWriter without calling finish()", apple/swift-nio#2813). This box, when
/// dropped untaken, finishes the writer and closes the connection instead.
public final class AcceptedConnection<Inbound: Sendable, Outbound: Sendable, Extra: Sendable>: Sendable {
    private let wrapped: NIOAsyncChannel<Inbound, Outbound>
    /// What the child initializer learned beside the channel (the TLS client's certificate).
    public let extra: Extra
    private let taken = NIOLockedValueBox(false)

    /// Call in the bootstrap's child initializer (on the channel's event loop), after the
    /// channel's own handlers.
    public init(wrapping channel: any Channel, extra: Extra) throws {
        wrapped = try NIOAsyncChannel(wrappingChannelSynchronously: channel)
        self.extra = extra
    }

    /// The connection, for the task that serves it (which must end it with `executeThenClose`).
    public func take() -> NIOAsyncChannel<Inbound, Outbound> {
        taken.withLockedValue { $0 = true }
        return wrapped
    }

    deinit {
        guard !taken.withLockedValue({ $0 }) else { return }
        wrapped.outbound.finish()
        wrapped.channel.close(promise: nil)
    }
}

extension AcceptedConnection where Extra == Void {
    public convenience init(wrapping channel: any Channel) throws { try self.init(wrapping: channel, extra: ()) }
}
