import Foundation
import SocketServer

/// Till sessions by link (so a link's second `subscribe` re-filters its session).
final class SessionTable: @unchecked Sendable {
    private let lock = NSLock()
    private var sessions: [ObjectIdentifier: TillSession] = [:]

    func session(for connection: any TillLink, hub: EventHub, access: GatewayAccess) -> TillSession {
        let key = ObjectIdentifier(connection)
        return lock.withLock {
            if let session = sessions[key] { return session }
            let session = TillSession(connection: connection, merchant: connection.merchant(under: access))
            sessions[key] = session
            // The session ends with its connection.
            connection.onClose { [weak self] in
                guard let self else { return }
                if let session = self.lock.withLock({ self.sessions.removeValue(forKey: key) }) {
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
