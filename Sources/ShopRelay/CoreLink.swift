import Dispatch
import Foundation
import LoyalgateClient

/// One connection to the central core for the relay: a request line out, its answer line back,
/// within a time limit. Any failure (no connection, a handshake that fails, no answer in time,
/// a closed stream) drops the connection, so the next exchange starts on a fresh one; the
/// caller takes the failure as "the core cannot be reached".
///
/// Unchecked Sendable: `transport` is used only on `queue`.
final class CoreLink: @unchecked Sendable {
    let endpoint: CoreEndpoint
    let timeout: Duration
    private var transport: (any LineTransport)?
    private let queue: DispatchQueue

    init(endpoint: CoreEndpoint, timeout: Duration, label: String) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.queue = DispatchQueue(label: label)
    }

    struct Unreachable: Error, CustomStringConvertible {
        let description: String
    }

    /// Sends `line` (ending in a newline) and returns the answer line with its newline. The
    /// blocking exchange runs on the link's own queue, never on Swift's cooperative threads.
    func exchange(_ line: Data) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try self.exchangeNow(line) }) }
        }
    }

    private func exchangeNow(_ line: Data) throws -> Data {
        do {
            if transport == nil || transport?.closedByServer == true {
                transport = nil
                transport = try endpoint.connect(timeout: timeout)
            }
            guard let transport else { throw Unreachable(description: "no connection") }
            try transport.send(Array(line) + (line.last == 0x0A ? [] : [0x0A]))
            let milliseconds = Int32(
                clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
            guard transport.waitReadable(milliseconds: milliseconds) else {
                throw Unreachable(description: "\(endpoint) did not answer within \(milliseconds) ms")
            }
            guard let answer = try transport.readLine() else {
                throw Unreachable(description: "\(endpoint) closed the connection")
            }
            return Data((answer + "\n").utf8)
        } catch let error as Unreachable {
            transport = nil
            throw error
        } catch {
            transport = nil
            throw Unreachable(description: "\(error)")
        }
    }
}
