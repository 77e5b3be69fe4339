import Dispatch
import Foundation
import LoyalgateProtocol

/// The one client of the core and the gateway: typed calls over a Unix socket or mutual TLS
/// (`CoreEndpoint`: one client, two transports), blocking or async. The gateway's core link, every CLI verb that talks to a running process, `doctor`,
/// the benchmarks and the tests use it, so all of them speak the contract's types.
///
/// One request is in flight at a time, as on a till. The async calls run the blocking exchange
/// on the client's own serial queue, never on Swift's cooperative threads, so a slow core
/// cannot starve other tasks; a NIO pipeline would buy nothing for one request at a time.
///
/// Unchecked Sendable: the socket and the request counter are used only on `queue` (async
/// calls) or by the one thread that owns the client (blocking calls), never both at once.
public final class LoyalgateClient: @unchecked Sendable {
    /// The endpoint as text (a socket path or tls://HOST:PORT), for messages.
    public let path: String
    public let endpoint: CoreEndpoint
    /// How long a call waits for its answer; nil waits as long as the server takes.
    public let timeoutMilliseconds: Int32?
    private var socket: any LineTransport
    private var nextID: Int64 = 0
    private let queue = DispatchQueue(label: "loyalgate-client")

    /// Connects to `path`; throws `UnixLineClient.ClientError` when nobody listens there.
    public convenience init(socket path: String, timeoutMilliseconds: Int32? = nil) throws {
        try self.init(endpoint: .unix(path: path), timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Connects to a Unix socket or a core's TLS listener; throws `UnixLineClient.ClientError`
    /// when nobody answers or the TLS handshake fails.
    public init(endpoint: CoreEndpoint, timeoutMilliseconds: Int32? = nil) throws {
        self.endpoint = endpoint
        self.path = endpoint.description
        self.timeoutMilliseconds = timeoutMilliseconds
        socket = try endpoint.connect()
    }

    /// Calls `op` and waits for its answer. Throws the server's `LoyaltyError` when it refuses,
    /// and `UnixLineClient.ClientError` when the connection fails, the answer is late or the
    /// stream is out of step (the connection is then of no further use: open a new client).
    public func call<Op: WireOperation>(_ op: Op.Type, _ parameters: Op.Parameters) throws -> Op.Answer {
        nextID += 1
        let id = RequestID.number(nextID)
        // A connection the server closed while it sat idle is replaced before anything is
        // sent on it, so no request is lost or sent twice.
        if socket.closedByServer { socket = try endpoint.connect() }
        try socket.send(Array(Frame.request(op, id: id, parameters)))
        if let timeoutMilliseconds, !socket.waitReadable(milliseconds: timeoutMilliseconds) {
            throw UnixLineClient.ClientError.timedOut(path, timeoutMilliseconds)
        }
        guard let line = try socket.readLine() else { throw UnixLineClient.ClientError.closed }
        let answer = Frame.answer(Op.Answer.self, from: Data(line.utf8))
        // A line without this request's id is not its answer (another request's, or no answer
        // at all): nothing after it can be trusted. Every refusal the server does send for this
        // request comes back as its `LoyaltyError`.
        guard answer.id == id else {
            throw UnixLineClient.ClientError.outOfStep(
                path, answer.id.map { "it answered request \($0) instead of \(id)" } ?? "it sent \(line.prefix(200))")
        }
        return try answer.result.get()
    }

    /// The same call from async code.
    public func call<Op: WireOperation>(_ op: Op.Type, _ parameters: Op.Parameters) async throws -> Op.Answer {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try self.call(op, parameters) }) }
        }
    }

    /// Relays a request line as it is (with its sender's own id) and returns the answer line:
    /// for a relay such as the browser bridge, which passes a page's requests on unchanged.
    public func relay(_ line: Data) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(
                    with: Result {
                        if self.socket.closedByServer { self.socket = try self.endpoint.connect() }
                        try self.socket.send(Array(line) + (line.last == 0x0A ? [] : [0x0A]))
                        if let timeout = self.timeoutMilliseconds, !self.socket.waitReadable(milliseconds: timeout) {
                            throw UnixLineClient.ClientError.timedOut(self.path, timeout)
                        }
                        guard let answer = try self.socket.readLine() else { throw UnixLineClient.ClientError.closed }
                        return Data((answer + "\n").utf8)
                    })
            }
        }
    }

    /// An op without parameters.
    public func call<Op: WireOperation>(_ op: Op.Type) throws -> Op.Answer where Op.Parameters == NoParameters {
        try call(op, NoParameters())
    }

    public func call<Op: WireOperation>(_ op: Op.Type) async throws -> Op.Answer where Op.Parameters == NoParameters {
        try await call(op, NoParameters())
    }

    /// The next event after a `subscribe` (gateway), waiting at most `milliseconds` (nil: as
    /// long as it takes). Nil on timeout; throws when the gateway closed the connection or sent
    /// a line that is not an event.
    public func nextEvent(waitingAtMost milliseconds: Int32? = nil) throws -> EventLine? {
        if let milliseconds, !socket.waitReadable(milliseconds: milliseconds) { return nil }
        guard let line = try socket.readLine() else { throw UnixLineClient.ClientError.closed }
        do {
            return try JSONDecoder().decode(EventLine.self, from: Data(line.utf8))
        } catch {
            throw LoyaltyError(.internalError, "\(path) sent a line that is not an event: \(line.prefix(200))")
        }
    }
}
