import ChainCA
import Foundation
import Logging
import NIOCore
import NIOSSL
import NIOTLS
import SwiftASN1
import X509

/// TCP with mutual TLS: the server's certificate and key, the chain's CA, and the check every
/// client certificate passes on each new connection (`ClientCertificateCheck`: the CA's
/// signature, dates, client use, role, revocation list re-read when it changes). TLS 1.2 at
/// least; 1.3 when both ends have it.
public struct TLSListener: Sendable {
    public let host: String
    public let port: Int
    let context: NIOSSLContext
    let check: ClientCertificateCheck
    /// The revocation list checked on each connection; nil when the core was given none.
    public var revocationPath: String? { check.revocationPath }
    /// How long a new connection has to complete its TLS handshake.
    let handshakeTimeout: TimeAmount = .seconds(10)

    /// Reads the PEM files; throws a sentence naming the file that is missing or unreadable.
    public init(host: String, port: Int, certificate: String, key: String, authority: String, revoked: String?) throws {
        self.host = host
        self.port = port
        func read(_ path: String, _ what: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CertificateRefusal("The \(what) \(path) cannot be read.")
            }
            return String(decoding: data, as: UTF8.self)
        }
        let authorityPEM = try read(authority, "CA certificate")
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(try read(certificate, "certificate").utf8)).map {
                .certificate($0)
            },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(try read(key, "key").utf8), format: .pem)))
        configuration.minimumTLSVersion = .tlsv12
        // Asks for and requires a client certificate; the custom check below replaces
        // BoringSSL's verification, so the trust roots only tell clients which CA to use.
        configuration.certificateVerification = .noHostnameVerification
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(authorityPEM.utf8)))
        context = try NIOSSLContext(configuration: configuration)
        check = try ClientCertificateCheck(
            authorities: try PEMDocument.parseMultiple(pemString: authorityPEM).map {
                try Certificate(pemDocument: $0)
            },
            revocationPath: revoked)
    }

    /// Puts the TLS handler in front of a new connection; the future gives the certificate's
    /// holder once the handshake is done, or fails when the client is refused (logged here).
    func addHandlers(to channel: any Channel, logger: Logger) throws -> EventLoopFuture<CertificateHolder> {
        let waiter = HandshakeWaiter(promise: channel.eventLoop.makePromise(), logger: logger)
        let remote = channel.remoteAddress.map { "\($0)" } ?? "?"
        let check = self.check
        let handler = NIOSSLServerHandler(context: context) { certificates, promise in
            let chain = certificates.compactMap { try? $0.toDERBytes() }
            switch check.check(chain: chain) {
            case .success(let holder):
                waiter.holder = holder
                promise.succeed(.certificateVerified)
            case .failure(let refusal):
                waiter.refused = true
                logger.warning(
                    "refused a TLS client: \(refusal)", metadata: ["remote": "\(remote)"])
                promise.succeed(.failed)
            }
        }
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.pipeline.syncOperations.addHandler(waiter)
        // A caller that never finishes its handshake is not yet anyone, so no per-caller limit
        // holds it and the idle timeout (minutes) is too long for it: it gets a few seconds.
        let timeout = channel.eventLoop.scheduleTask(in: handshakeTimeout) {
            logger.warning(
                "refused a TLS client: no TLS handshake within \(handshakeTimeout.nanoseconds / 1_000_000_000) s",
                metadata: ["remote": "\(remote)"])
            waiter.refused = true
            channel.close(promise: nil)
        }
        waiter.promise.futureResult.whenComplete { _ in timeout.cancel() }
        return waiter.promise.futureResult
    }
}

/// Learns when the TLS handshake is over: the holder the check accepted, or the failure. A
/// handshake that fails for another reason (no client certificate, an old TLS version) is
/// logged here; a certificate the check refused was logged with its reason already.
final class HandshakeWaiter: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    let promise: EventLoopPromise<CertificateHolder>
    let logger: Logger
    // Set on the channel's event loop only (the verification callback runs there).
    var holder: CertificateHolder?
    var refused = false

    init(promise: EventLoopPromise<CertificateHolder>, logger: Logger) {
        self.promise = promise
        self.logger = logger
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            if let holder {
                promise.succeed(holder)
            } else {
                promise.fail(CertificateRefusal("the handshake completed without a checked certificate"))
                context.close(promise: nil)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if holder == nil && !refused {
            logger.warning(
                "refused a TLS client: the handshake failed: \(error)",
                metadata: ["remote": "\(context.remoteAddress.map { "\($0)" } ?? "?")"])
        }
        promise.fail(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(CertificateRefusal("the connection closed before the TLS handshake completed"))
        context.fireChannelInactive()
    }
}
