import ArgumentParser
import SocketServer

/// What one caller may hold on a socket the process serves (the core's and the gateway's):
/// docs/protocol.md, "Connections".
struct ServerLimitOptions: ParsableArguments {
    @Option(help: "Open connections one user id may hold at once; more are refused with too-many-connections.")
    var connectionsPerCaller: Int = ConnectionLimits.standard.perPeer

    @Option(
        help: "Seconds without a request after which a connection is closed (0: never); subscribed tills are exempt.")
    var idleTimeout: Int64 = ConnectionLimits.standard.idleTimeout?.components.seconds ?? 0

    func validate() throws {
        guard connectionsPerCaller > 0 else { throw ValidationError("--connections-per-caller must be at least 1.") }
        guard idleTimeout >= 0 else {
            throw ValidationError("--idle-timeout must be 0 (never) or a number of seconds.")
        }
    }

    var limits: ConnectionLimits {
        ConnectionLimits(perPeer: connectionsPerCaller, idleTimeout: idleTimeout == 0 ? nil : .seconds(idleTimeout))
    }
}
