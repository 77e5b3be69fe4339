import Foundation
import SocketServer

/// One till's connection to the gateway, whatever carries it: a Unix socket (`LineConnection`)
/// or a paired browser page's WebSocket (the browser bridge). Ops and events are the same on
/// both; only who the till acts for is decided differently.
public protocol TillLink: AnyObject, Sendable {
    /// Writes one line (an answer or an event, ending in `\n`), in order.
    func write(_ line: Data) async throws
    /// Drops the till (it fell too far behind; it resumes with `since`).
    func close()
    /// Exempts it from the idle timeout: a subscribed till only listens.
    func keepWhileIdle()
    /// Runs `action` once the link has closed, whoever closed it.
    func onClose(_ action: @escaping @Sendable () -> Void)
    /// The merchant this till acts for under the gateway's `access` rules; nil: unbound.
    func merchant(under access: GatewayAccess) -> String?
}

extension LineConnection: TillLink {
    /// A till on the socket is who the kernel says connected (uid, gid, groups).
    public func merchant(under access: GatewayAccess) -> String? { access.merchant(for: peer) }
}
