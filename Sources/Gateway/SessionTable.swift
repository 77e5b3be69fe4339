import Foundation
import SocketServer

/// Till sessions by connection (so a connection's second `subscribe` re-filters its session).
final class SessionTable: @unchecked Sendable {
    private let lock = NSLock()
    private var sessions: [LineConnection: TillSession] = [:]

    func session(for connection: LineConnection, hub: EventHub, access: GatewayAccess) -> TillSession {
        lock.withLock {
            if let session = sessions[connection] { return session }
            let session = TillSession(connection: connection, merchant: access.merchant(for: connection.peer))
            sessions[connection] = session
            // The session ends with its connection.
            connection.onClose { [weak self] in
                guard let self else { return }
                if let session = self.lock.withLock({ self.sessions.removeValue(forKey: connection) }) {
                    hub.remove(session)
                }
            }
            return session
        }
    }

    func finishAll(_ hub: EventHub) {
        let all = lock.withLock { Array(sessions.values) }
        for session in all { hub.remove(session) }
    }
}
