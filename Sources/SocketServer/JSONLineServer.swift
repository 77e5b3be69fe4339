import ChainCA
import Foundation
import Logging
import LoyalgateProtocol
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A Unix-socket or mutual-TLS server speaking JSON Lines: each connection gets its own task,
/// requests on a connection are answered one after another (so answers come in request order),
/// and one connection's failure never reaches another or the server.
///
/// A client that writes its requests and then shuts down its sending side (`socat` at the end of
/// its input, a shell script, a cron job) gets every answer, in order, before the connection is
/// closed: the channel allows the peer's half-closure, and the connection ends only once the
/// last answer is on its way.
public final class JSONLineServer: Sendable {
    /// Answers one request line; the returned data is written as it is (it ends in `\n`).
    /// Empty data writes nothing: the handler has written its answer itself (the gateway's
    /// `subscribe` must put its answer before the events it starts).
    public typealias Handler = @Sendable (_ line: Data, _ connection: LineConnection) async -> Data

    let listener: Listener
    let handler: Handler
    let logger: Logger
    let limits: ConnectionLimits
    let connections: ConnectionRegistry
    private let listening = NIOLockedValueBox(Listening.notYet)
    let group: MultiThreadedEventLoopGroup

    /// Where the server listens: a Unix socket (callers known by their uid) or TCP with mutual
    /// TLS (callers known by their client certificate). Both run the same pipeline after the
    /// TLS handler: idle timeout, line framing, the same limits and the same handler.
    public enum Listener: Sendable {
        case unix(path: String)
        case tls(TLSListener)
    }

    public convenience init(
        path: String, limits: ConnectionLimits = .standard, logger: Logger, handler: @escaping Handler
    ) {
        self.init(listener: .unix(path: path), limits: limits, logger: logger, handler: handler)
    }

    public init(listener: Listener, limits: ConnectionLimits = .standard, logger: Logger, handler: @escaping Handler) {
        self.listener = listener
        self.handler = handler
        self.logger = logger
        self.limits = limits
        self.connections = ConnectionRegistry(perPeer: limits.perPeer)
        self.group = MultiThreadedEventLoopGroup.singleton
    }

    /// What the bootstrap hands on for each accepted connection: the channel, and for TLS the
    /// holder of its client certificate once the handshake has checked it.
    typealias Accepted = AcceptedConnection<EventLoopFuture<CertificateHolder>?>

    /// Serves until `stop()`; returns once every connection has finished its request in flight.
    /// A Unix socket is bound with mode 0660 and throws `SocketPath.InUse` when a live server
    /// already listens on the path (its socket is left alone).
    public func run() async throws {
        switch listener {
        case .unix(let path): try await runUnix(path: path)
        case .tls(let tls): try await runTLS(tls)
        }
    }

    private func bootstrap() -> ServerBootstrap {
        ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            // EOF from a client ends its input only: the answers still go out.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
    }

    /// The handlers every connection has behind its transport (and TLS handler, if any).
    private func addLineHandlers(_ channel: any Channel) throws -> any Channel {
        let pipeline = channel.pipeline.syncOperations
        if let idleTimeout = limits.idleTimeout.map({ TimeAmount($0) }) {
            try pipeline.addHandler(IdleStateHandler(readTimeout: idleTimeout), name: IdleConnectionCloser.timerName)
            try pipeline.addHandler(IdleConnectionCloser(), name: IdleConnectionCloser.name)
        }
        try pipeline.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLength: Frame.maximumLineLength)))
        return channel
    }

    private func runUnix(path: String) async throws {
        let socketPath = SocketPath(path: path)
        try socketPath.claim()
        // Bound in a private folder and linked into place once it is 0660, so nobody can connect
        // to it with other modes for an instant, and without touching the process's umask (which
        // every thread shares: files other threads write meanwhile would get the socket's mode).
        let staging = try socketPath.makeStagingFolder()
        let server: NIOAsyncChannel<Accepted, Never>
        do {
            server = try await bootstrap()
                .bind(unixDomainSocketPath: staging.socket, cleanupExistingSocketFile: false) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try Accepted(holding: self.addLineHandlers(channel), extra: nil)
                    }
                }
        } catch {
            socketPath.removeStagingFolder(staging)
            throw error
        }
        do {
            try socketPath.publish(staging)
            socketPath.removeStagingFolder(staging)
        } catch {
            socketPath.removeStagingFolder(staging)
            server.channel.close(promise: nil)
            try? await serveAll(server)
            throw error
        }
        let bound = socketPath.identity()
        // Before "listening": a stop() that follows the log line must find the channel.
        listen(on: server.channel)
        logger.info("listening", metadata: ["socket": "\(path)"])
        try await serveAll(server)
        socketPath.release(ifStill: bound)
    }

    private func runTLS(_ tls: TLSListener) async throws {
        // SO_REUSEADDR: a core restarted after a crash binds its port again at once, although
        // the connections the dead process held still linger in TIME_WAIT on it.
        let server = try await bootstrap()
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: tls.host, port: tls.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let holder = try tls.addHandlers(to: channel, logger: self.logger)
                    return try Accepted(holding: self.addLineHandlers(channel), extra: holder)
                }
            }
        listen(on: server.channel)
        // The port as bound: with port 0 the kernel chose it, and this line is how one learns it.
        logger.info("listening", metadata: ["tls": "\(tls.host):\(server.channel.localAddress?.port ?? tls.port)"])
        try await serveAll(server)
    }

    private func serveAll(_ server: NIOAsyncChannel<Accepted, Never>) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { inbound in
                for try await accepted in inbound {
                    group.addTask { await self.serve(accepted) }
                }
            }
            // No new connections; wake the idle ones so they end, the busy ones end after their answer.
            connections.stopAll()
        }
    }

    /// Whether the listener is bound yet, and whether a stop came before it was.
    private enum Listening {
        case notYet
        case bound(any Channel)
        case stopRequested
    }

    /// Records the bound listener, or closes it at once when `stop()` came first: a SIGTERM that
    /// arrives while the socket is being bound (the file already exists, the channel is not yet
    /// known here) must still stop the server, not be forgotten.
    private func listen(on channel: any Channel) {
        let stopped = listening.withLockedValue { state -> Bool in
            if case .stopRequested = state { return true }
            state = .bound(channel)
            return false
        }
        if stopped { channel.close(promise: nil) }
    }

    /// Stops accepting; connections finish the request they are on and close. Called before the
    /// server has bound, it makes the server stop as soon as it has.
    public func stop() {
        let channel = listening.withLockedValue { state -> (any Channel)? in
            switch state {
            case .notYet, .stopRequested:
                state = .stopRequested
                return nil
            case .bound(let channel):
                return channel
            }
        }
        channel?.close(promise: nil)
    }

    private func serve(_ accepted: Accepted) async {
        let channel: NIOAsyncChannel<LineFrame, ByteBuffer>
        do {
            channel = try await accepted.open()
        } catch {
            try? await accepted.channel.close()
            return
        }
        let connection: LineConnection
        if let holder = accepted.extra {
            // A refused certificate was logged by the check; the connection just ends.
            guard let holder = try? await holder.get() else {
                try? await channel.channel.close()
                return
            }
            connection = LineConnection(channel: channel.channel, peer: nil, certificate: holder)
        } else {
            connection = LineConnection(channel: channel.channel, peer: await PeerCredentials.of(channel.channel))
        }
        switch connections.register(connection) {
        case .accepted: break
        case .stopping:
            try? await channel.channel.close()
            return
        case .overLimit:
            logger.warning(
                "refused a connection over the per-caller limit",
                metadata: ["caller": "\(connection.callerKey ?? "?")", "limit": "\(limits.perPeer)"])
            try? await channel.executeThenClose { _, outbound in
                try await outbound.write(ByteBuffer(bytes: Frame.tooManyConnections(limit: limits.perPeer)))
            }
            return
        }
        defer { connections.remove(connection) }
        do {
            try await channel.executeThenClose { inbound, outbound in
                connection.attach(outbound)
                for try await frame in inbound {
                    switch frame {
                    case .tooLarge:
                        try await connection.write(Frame.tooLarge)
                        return
                    case .line(let buffer):
                        guard connections.begin(connection) else { return }
                        let answer = await handler(Data(buffer.readableBytesView), connection)
                        if !answer.isEmpty { try await connection.write(answer) }
                        guard connections.end(connection) else { return }
                    }
                }
                // The client half-closed: every line it sent is answered; the close that
                // follows must not drop an answer still queued behind a slow reader.
                try await connection.flushed()
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }
}
