import ChainCA
import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// One client connection. Answers and (for the gateway) events are written through it; each
/// write is one whole line, so nothing ever splits a line.
public final class LineConnection: Sendable, Hashable {
    let channel: any Channel
    private let writer = NIOLockedValueBox<NIOAsyncChannelOutboundWriter<ByteBuffer>?>(nil)
    /// The connecting process, as the kernel reports it; nil only if the kernel would not say.
    public let peer: PeerCredentials?
    /// Over TLS: who the client certificate speaks for (checked against the chain's CA).
    public let certificate: CertificateHolder?

    init(channel: any Channel, peer: PeerCredentials?, certificate: CertificateHolder? = nil) {
        self.channel = channel
        self.peer = peer
        self.certificate = certificate
    }

    /// Whom the per-caller connection limit counts against: the uid on a Unix socket, the
    /// certificate's name over TLS (nil: unknown callers count as one caller).
    var callerKey: String? {
        if let certificate { return "certificate \(certificate.name)" }
        return peer.map { "uid \($0.uid)" }
    }

    func attach(_ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        writer.withLockedValue { $0 = outbound }
    }

    /// Writes one line (already ending in `\n`).
    public func write(_ line: Data) async throws {
        guard let outbound = writer.withLockedValue({ $0 }) else { return }
        try await outbound.write(ByteBuffer(bytes: line))
    }

    /// Resolves once every line written so far has left the process (writes complete in order).
    func flushed() async throws {
        try await channel.writeAndFlush(ByteBuffer()).get()
    }

    /// Exempts the connection from the idle timeout: a till subscribed to events only listens.
    public func keepWhileIdle() {
        let pipeline = channel.pipeline
        pipeline.removeHandler(name: IdleConnectionCloser.timerName, promise: nil)
        pipeline.removeHandler(name: IdleConnectionCloser.name, promise: nil)
    }

    /// Closes the connection (the gateway drops a till that stopped reading; it resumes with
    /// `since` when it reconnects).
    public func close() { channel.close(promise: nil) }

    /// Runs `action` once the connection has closed, whoever closed it.
    public func onClose(_ action: @escaping @Sendable () -> Void) {
        channel.closeFuture.whenComplete { _ in action() }
    }

    public static func == (lhs: LineConnection, rhs: LineConnection) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// Tracks which connections are mid-request, so a shutdown closes idle ones at once and lets
/// busy ones finish their answer first.
final class ConnectionRegistry: Sendable {
    private struct State {
        var busy: [LineConnection: Bool] = [:]
        /// Open connections per caller (`LineConnection.callerKey`).
        var perPeer: [String?: Int] = [:]
        var stopping = false
    }

    enum Registration { case accepted, stopping, overLimit }

    private let state = NIOLockedValueBox(State())
    let limitPerPeer: Int

    init(perPeer: Int) {
        limitPerPeer = perPeer
    }

    func register(_ connection: LineConnection) -> Registration {
        state.withLockedValue { state in
            guard !state.stopping else { return .stopping }
            let caller = connection.callerKey
            guard state.perPeer[caller, default: 0] < limitPerPeer else { return .overLimit }
            state.perPeer[caller, default: 0] += 1
            state.busy[connection] = false
            return .accepted
        }
    }

    func remove(_ connection: LineConnection) {
        state.withLockedValue { state in
            guard state.busy.removeValue(forKey: connection) != nil else { return }
            let caller = connection.callerKey
            state.perPeer[caller, default: 1] -= 1
            if state.perPeer[caller] == 0 { state.perPeer[caller] = nil }
        }
    }

    /// False when the server is stopping: the request is not started.
    func begin(_ connection: LineConnection) -> Bool {
        state.withLockedValue { state in
            guard !state.stopping else { return false }
            state.busy[connection] = true
            return true
        }
    }

    /// False when the server is stopping: the connection ends after this answer.
    func end(_ connection: LineConnection) -> Bool {
        state.withLockedValue { state in
            state.busy[connection] = false
            return !state.stopping
        }
    }

    func stopAll() {
        let idle = state.withLockedValue { state in
            state.stopping = true
            return state.busy.filter { !$0.value }.map(\.key)
        }
        idle.forEach { $0.close() }
    }
}
