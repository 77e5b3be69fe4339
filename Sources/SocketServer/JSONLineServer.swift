import Foundation
import Logging
import LoyalgateProtocol
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A Unix-socket server speaking JSON Lines: each connection gets its own task, requests on a
/// connection are answered one after another (so answers come in request order), and one
/// connection's failure never reaches another or the server.
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

    let path: String
    let handler: Handler
    let logger: Logger
    let limits: ConnectionLimits
    let connections: ConnectionRegistry
    private let serverChannel = NIOLockedValueBox<(any Channel)?>(nil)
    let group: MultiThreadedEventLoopGroup

    public init(path: String, limits: ConnectionLimits = .standard, logger: Logger, handler: @escaping Handler) {
        self.path = path
        self.handler = handler
        self.logger = logger
        self.limits = limits
        self.connections = ConnectionRegistry(perPeer: limits.perPeer)
        self.group = MultiThreadedEventLoopGroup.singleton
    }

    /// Binds the socket (mode 0660) and serves until `stop()`; returns once every connection
    /// has finished its request in flight. Throws `SocketPath.InUse` when a live server already
    /// listens on the path (its socket is left alone).
    public func run() async throws {
        let socketPath = SocketPath(path: path)
        try socketPath.claim()
        let previousMask = umask(0o117)
        let server: NIOAsyncChannel<NIOAsyncChannel<LineFrame, ByteBuffer>, Never>
        let idleTimeout = limits.idleTimeout.map { TimeAmount($0) }
        do {
            server = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                // EOF from a client ends its input only: the answers still go out.
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        if let idleTimeout {
                            try pipeline.addHandler(
                                IdleStateHandler(readTimeout: idleTimeout), name: IdleConnectionCloser.timerName)
                            try pipeline.addHandler(IdleConnectionCloser(), name: IdleConnectionCloser.name)
                        }
                        try pipeline.addHandler(
                            ByteToMessageHandler(LineFrameDecoder(maximumLength: Frame.maximumLineLength)))
                        return try NIOAsyncChannel<LineFrame, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            umask(previousMask)
            throw error
        }
        umask(previousMask)
        chmod(path, 0o660)
        let bound = socketPath.identity()
        serverChannel.withLockedValue { $0 = server.channel }
        logger.info("listening", metadata: ["socket": "\(path)"])

        try await withThrowingDiscardingTaskGroup { group in
            try await server.executeThenClose { inbound in
                for try await connection in inbound {
                    group.addTask { await self.serve(connection) }
                }
            }
            // No new connections; wake the idle ones so they end, the busy ones end after their answer.
            connections.stopAll()
        }
        socketPath.release(ifStill: bound)
    }

    /// Stops accepting; connections finish the request they are on and close.
    public func stop() {
        serverChannel.withLockedValue { $0 }?.close(promise: nil)
    }

    private func serve(_ channel: NIOAsyncChannel<LineFrame, ByteBuffer>) async {
        let connection = LineConnection(channel: channel.channel, peer: await PeerCredentials.of(channel.channel))
        switch connections.register(connection) {
        case .accepted: break
        case .stopping:
            try? await channel.channel.close()
            return
        case .overLimit:
            logger.warning(
                "refused a connection over the per-caller limit",
                metadata: ["uid": "\(connection.peer.map { String($0.uid) } ?? "?")", "limit": "\(limits.perPeer)"])
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
