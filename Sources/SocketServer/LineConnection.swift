import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// One client connection. Answers and (for the gateway) events are written through it; each
/// write is one whole line, so nothing ever splits a line.
public final class LineConnection: Sendable, Hashable {
    let channel: any Channel
    private let writer = NIOLockedValueBox<NIOAsyncChannelOutboundWriter<ByteBuffer>?>(nil)

    init(channel: any Channel) {
        self.channel = channel
    }

    func attach(_ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        writer.withLockedValue { $0 = outbound }
    }

    /// Writes one line (already ending in `\n`).
    public func write(_ line: Data) async throws {
        guard let outbound = writer.withLockedValue({ $0 }) else { return }
        try await outbound.write(ByteBuffer(bytes: line))
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
        var stopping = false
    }

    private let state = NIOLockedValueBox(State())

    func register(_ connection: LineConnection) -> Bool {
        state.withLockedValue { state in
            guard !state.stopping else { return false }
            state.busy[connection] = false
            return true
        }
    }

    func remove(_ connection: LineConnection) {
        state.withLockedValue { _ = $0.busy.removeValue(forKey: connection) }
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
