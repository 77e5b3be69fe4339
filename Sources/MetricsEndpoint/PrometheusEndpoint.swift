import CoreMetrics
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle
import SocketServer

/// Serves the process's metrics in Prometheus' text format at `GET /metrics` on a loopback
/// address, as a swift-service-lifecycle service. Loopback only: request counts and scan rates
/// tell a shop's trade; a collector on the same machine (or an SSH tunnel) reads them.
///
/// The product's modules record through swift-metrics (`Counter`, `Timer`, `Recorder`), so they
/// know nothing of Prometheus; `bootstrap()` points swift-metrics at one registry here.
public struct PrometheusEndpoint: Service {
    public let address: LoopbackAddress
    let registry: PrometheusCollectorRegistry
    let logger: Logger

    public init(address: LoopbackAddress, registry: PrometheusCollectorRegistry, logger: Logger) {
        self.address = address
        self.registry = registry
        self.logger = logger
    }

    /// Points swift-metrics at a new registry (once per process) with buckets that fit the
    /// product's figures: requests answered in well under a millisecond, groups of commits.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500),
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
        ]
        factory.defaultValueHistogramBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256]
        MetricsSystem.bootstrap(factory)
        return registry
    }

    public func run() async throws {
        let server: NIOAsyncChannel<Connection, Never>
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: address.host, port: address.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        return try Connection(wrapping: channel)
                    }
                }
        } catch {
            // Metrics are for the technician; a port taken by another program must not stop the
            // tills' service. Said in the log, then this service waits for the shutdown.
            logger.error("metrics not served", metadata: ["address": "\(address)", "error": "\(error)"])
            try await gracefulShutdown()
            return
        }
        logger.info("metrics", metadata: ["url": "http://\(address)/metrics"])
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await serve(connection) }
                    }
                }
            }
        } onGracefulShutdown: {
            server.channel.close(promise: nil)
        }
    }

    private typealias Connection = AcceptedConnection<HTTPServerRequestPart, HTTPServerResponsePart, Void>

    private func serve(_ accepted: Connection) async {
        let connection = accepted.take()
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            for try await part in inbound {
                switch part {
                case .head(let request): head = request
                case .body: continue
                case .end:
                    guard let request = head else { return }
                    let (status, body, type) = respond(to: request)
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: type)
                    headers.add(name: "Content-Length", value: String(body.count))
                    headers.add(name: "Connection", value: "close")
                    try await outbound.write(
                        .head(HTTPResponseHead(version: request.version, status: status, headers: headers)))
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body))))
                    try await outbound.write(.end(nil))
                    return
                }
            }
        }
    }

    private func respond(to request: HTTPRequestHead) -> (HTTPResponseStatus, [UInt8], String) {
        guard request.method == .GET || request.method == .HEAD else {
            return (.methodNotAllowed, Array("Only GET.\n".utf8), "text/plain; charset=utf-8")
        }
        guard request.uri.split(separator: "?").first == "/metrics" else {
            return (.notFound, Array("The metrics are at /metrics.\n".utf8), "text/plain; charset=utf-8")
        }
        var body: [UInt8] = []
        registry.emit(into: &body)
        return (.ok, body, "text/plain; version=0.0.4; charset=utf-8")
    }
}

/// `HOST:PORT` on the loopback interface (127.0.0.0/8, `localhost` or `[::1]`); anything else is
/// refused, so metrics never end up on the shop's network by a typo.
public struct LoopbackAddress: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(_ text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65_535).contains(port)
        else {
            throw Invalid(description: "\(text) is not HOST:PORT (for example 127.0.0.1:9471).")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        let loopback = host == "localhost" || host == "::1" || (octets.count == 4 && octets[0] == 127)
        guard loopback else {
            throw Invalid(
                description:
                    "\(host) is not a loopback address: metrics are served on 127.0.0.1 or [::1] only (a collector elsewhere reads them through a tunnel)."
            )
        }
        self.host = host == "localhost" ? "127.0.0.1" : host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
