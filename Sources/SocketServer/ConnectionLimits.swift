import NIOCore

/// What one caller may hold on a server, so a careless or hostile program on the till PC cannot
/// starve the tills: at most `perPeer` open connections for one user id, and a connection that
/// sends nothing for `idleTimeout` is closed (a subscribed till is exempt: it only listens).
/// The typed client reconnects by itself when the server closed an idle connection.
public struct ConnectionLimits: Sendable, Equatable {
    public var perPeer: Int
    public var idleTimeout: Duration?

    public init(perPeer: Int, idleTimeout: Duration?) {
        self.perPeer = perPeer
        self.idleTimeout = idleTimeout
    }

    /// 64 connections per user id (a shop has a handful of tills, each with a connection or two)
    /// and 30 minutes without a request.
    public static let standard = ConnectionLimits(perPeer: 64, idleTimeout: .seconds(30 * 60))
}

/// Closes a connection when the `IdleStateHandler` in front of it reports no read for the
/// timeout. Removed, with that handler, from a connection that subscribed to events.
final class IdleConnectionCloser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    static let name = "idle-connection-closer"
    static let timerName = "idle-state"

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
