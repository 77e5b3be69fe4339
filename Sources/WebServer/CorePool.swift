import Foundation
import LoyalgateClient
import LoyalgateProtocol

/// Connections to the core, reused: each request borrows one for the length of its calls
/// (a `LoyalgateClient` carries one request at a time) and gives it back. The web reaches the
/// core through nothing else.
public final class CorePool: @unchecked Sendable {
    public let socket: String
    private let lock = NSLock()
    private var idle: [LoyalgateClient] = []
    private let keep: Int

    public init(socket: String, keep: Int = 8) {
        self.socket = socket
        self.keep = keep
    }

    /// Runs `body` with a connection; one that failed mid-call is dropped, not reused.
    public func with<T: Sendable>(_ body: @Sendable (LoyalgateClient) async throws -> T) async throws -> T {
        let borrowed = lock.withLock { idle.popLast() }
        let client = try borrowed ?? LoyalgateClient(socket: socket, timeoutMilliseconds: 10_000)
        do {
            let result = try await body(client)
            giveBack(client)
            return result
        } catch let error as LoyaltyError {
            // A refusal leaves the connection in step.
            giveBack(client)
            throw error
        }
    }

    private func giveBack(_ client: LoyalgateClient) {
        lock.withLock { if idle.count < keep { idle.append(client) } }
    }

    public func call<Op: WireOperation>(_ op: Op.Type, _ parameters: Op.Parameters) async throws -> Op.Answer
    where Op.Parameters: Sendable, Op.Answer: Sendable {
        try await with { client in try await client.call(op, parameters) }
    }
}
