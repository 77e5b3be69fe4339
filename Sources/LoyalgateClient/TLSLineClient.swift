import Foundation
internal import NIOCore
internal import NIOPosix
internal import NIOSSL
internal import NIOTLS

/// A blocking JSON Lines connection over TCP with mutual TLS: the same lines as a Unix socket,
/// to a core's `--listen-tls`. The caller presents its certificate from the chain's CA and
/// accepts only a server certificate from that CA naming the host it dialled.
///
/// NIO runs the TLS; the bytes it decrypts land in an inbox the blocking calls wait on, so
/// `LoyalgateClient` stays one request at a time on its own thread, as over a Unix socket.
/// Unchecked Sendable: used by one thread at a time; the inbox is guarded by its condition.
public final class TLSLineClient: LineTransport, @unchecked Sendable {
    private let channel: any Channel
    private let inbox: Inbox
    let name: String

    final class Inbox: @unchecked Sendable {
        let condition = NSCondition()
        var bytes: [UInt8] = []
        var closed = false
        var error: (any Error)?
    }

    /// Connects and completes the TLS handshake within `timeout` each (TCP connect, then the
    /// handshake): a core that accepts but never answers must not hang the gateway's link.
    public init(host: String, port: Int, identity: CoreEndpoint.TLSIdentity, timeout: Duration = .seconds(10)) throws {
        name = CoreEndpoint.tls(host: host, port: port, identity: identity).description
        let context: NIOSSLContext
        do {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.minimumTLSVersion = .tlsv12
            configuration.certificateVerification = .fullVerification
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(identity.authority))
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(identity.certificate).map {
                .certificate($0)
            }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: identity.key, format: .pem))
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw UnixLineClient.ClientError.tlsFailed(
                name,
                "the certificate, key or CA (\(identity.certificate), \(identity.key), \(identity.authority)) cannot be read: \(error)"
            )
        }
        let inbox = Inbox()
        self.inbox = inbox
        // SNI carries host names only; for an address, NIOSSL checks the certificate's IP
        // address against the one connected to.
        let serverName = Self.isAddress(host) ? nil : host
        let group = MultiThreadedEventLoopGroup.singleton
        let handshake = group.next().makePromise(of: Void.self)
        do {
            channel = try ClientBootstrap(group: group)
                .connectTimeout(TimeAmount(timeout))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: context, serverHostname: serverName))
                        try channel.pipeline.syncOperations.addHandler(Collector(inbox: inbox, handshake: handshake))
                    }
                }
                .connect(host: host, port: port).wait()
        } catch {
            handshake.fail(error)
            throw UnixLineClient.ClientError.tlsFailed(name, "\(error)")
        }
        let late = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            handshake.fail(HandshakeTimedOut(timeout: timeout))
        }
        do { try handshake.futureResult.wait() } catch {
            late.cancel()
            channel.close(promise: nil)
            throw refusal(error)
        }
        late.cancel()
    }

    deinit { channel.close(promise: nil) }

    struct HandshakeTimedOut: Error, CustomStringConvertible {
        let timeout: Duration
        var description: String { "no TLS handshake within \(timeout) (the core accepted but did not answer)" }
    }

    static func isAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    public func send(_ bytes: [UInt8]) throws {
        do { try channel.writeAndFlush(ByteBuffer(bytes: bytes)).wait() } catch {
            throw failure() ?? UnixLineClient.ClientError.closed
        }
    }

    /// What the server's refusal was, when it sent one (a TLS alert: a revoked or expired
    /// certificate is refused after a TLS 1.3 handshake, on the first read).
    private func failure() -> UnixLineClient.ClientError? {
        inbox.condition.lock()
        defer { inbox.condition.unlock() }
        return inbox.error.map(refusal)
    }

    /// The error as the caller should read it: a certificate alert from the core means the core
    /// refused this caller's certificate, and the core's log says why.
    private func refusal(_ error: any Error) -> UnixLineClient.ClientError {
        let text = "\(error)"
        let refused = ["ALERT_CERTIFICATE", "ALERT_BAD_CERTIFICATE", "ALERT_UNKNOWN_CA", "ALERT_HANDSHAKE_FAILURE"]
            .contains { text.contains($0) }
        return .tlsFailed(
            name,
            refused
                ? "the core refused this caller's certificate (expired, revoked, or not from the chain's CA: the core's log says which; \(text))"
                : text)
    }

    public func readLine() throws -> String? {
        inbox.condition.lock()
        defer { inbox.condition.unlock() }
        while true {
            if let newline = inbox.bytes.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: inbox.bytes[..<newline], as: UTF8.self)
                inbox.bytes.removeSubrange(...newline)
                return line
            }
            if let error = inbox.error { throw refusal(error) }
            if inbox.closed { return nil }
            inbox.condition.wait()
        }
    }

    public func waitReadable(milliseconds: Int32) -> Bool {
        let deadline = Date().addingTimeInterval(Double(milliseconds) / 1000)
        inbox.condition.lock()
        defer { inbox.condition.unlock() }
        while inbox.bytes.isEmpty && !inbox.closed && inbox.error == nil {
            if !inbox.condition.wait(until: deadline) { return false }
        }
        return true
    }

    public var closedByServer: Bool {
        inbox.condition.lock()
        defer { inbox.condition.unlock() }
        return inbox.bytes.isEmpty && (inbox.closed || inbox.error != nil)
    }

    /// Hands decrypted bytes, the end of the stream and errors to the blocking side.
    final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let inbox: Inbox
        let handshake: EventLoopPromise<Void>

        init(inbox: Inbox, handshake: EventLoopPromise<Void>) {
            self.inbox = inbox
            self.handshake = handshake
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            inbox.condition.lock()
            inbox.bytes += buffer.readableBytesView
            inbox.condition.broadcast()
            inbox.condition.unlock()
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case .handshakeCompleted = event as? TLSUserEvent { handshake.succeed(()) }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            inbox.condition.lock()
            if inbox.error == nil { inbox.error = error }
            inbox.condition.broadcast()
            inbox.condition.unlock()
            handshake.fail(error)
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            inbox.condition.lock()
            inbox.closed = true
            inbox.condition.broadcast()
            inbox.condition.unlock()
            handshake.fail(UnixLineClient.ClientError.closed)
            context.fireChannelInactive()
        }
    }
}
