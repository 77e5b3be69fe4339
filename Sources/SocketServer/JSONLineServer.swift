import Foundation
import Logging
import LoyalgateProtocol
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A Unix-socket server speaking JSON Lines: each connection gets its own task, requests on a
/// connection are answered one after another (so answers come in request order), and one
/// connection's failure never reaches another or the server.
public final class JSONLineServer: Sendable {
    /// Answers one request line; the returned data is written as it is (it ends in `\n`).
    /// Empty data writes nothing: the handler has written its answer itself (the gateway's
    /// `subscribe` must put its answer before the events it starts).
    public typealias Handler = @Sendable (_ line: Data, _ connection: LineConnection) async -> Data

    let path: String
    let handler: Handler
    let logger: Logger
    let connections = ConnectionRegistry()
    private let serverChannel = NIOLockedValueBox<(any Channel)?>(nil)
    let group: MultiThreadedEventLoopGroup

    public init(path: String, logger: Logger, handler: @escaping Handler) {
        self.path = path
        self.handler = handler
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup.singleton
    }

    /// Binds the socket (mode 0660) and serves until `stop()`; returns once every connection
    /// has finished its request in flight.
    public func run() async throws {
        let previousMask = umask(0o117)
        let server: NIOAsyncChannel<NIOAsyncChannel<LineFrame, ByteBuffer>, Never>
        do {
            server = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
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
        unlink(path)
    }

    /// Stops accepting; connections finish the request they are on and close.
    public func stop() {
        serverChannel.withLockedValue { $0 }?.close(promise: nil)
    }

    private func serve(_ channel: NIOAsyncChannel<LineFrame, ByteBuffer>) async {
        let connection = LineConnection(channel: channel.channel, peer: await PeerCredentials.of(channel.channel))
        guard connections.register(connection) else {
            try? await channel.channel.close()
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
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }
}
