import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import ShopRelay
import SocketServer
import UnixSignals

/// `loyalgate relay`: the shop's stand-in for the central core (docs/chain.md, "Offline shops").
struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract:
            "The shop's relay: tills and the gateway talk to it as to a core; it forwards to the central core and queues earns while that cannot be reached."
    )

    @Option(help: "The Unix socket tills and the shop's gateway connect to, as to a core.")
    var socket: String = ".loyalgate/core.sock"
    @Option(help: "The central core: tls://HOST:PORT (with --tls-dir), or a Unix socket.")
    var core: String
    @OptionGroup var tls: TLSClientOptions
    @Option(help: "The folder of the durable queue of earns (relay-queue.sqlite, 0600).")
    var queue: String = ".loyalgate/relay"
    @Option(help: "Milliseconds the central core has to connect and to answer before it counts as unreachable.")
    var coreTimeout: Int64 = 3000
    @Option(help: "Milliseconds between attempts to deliver the queue.")
    var retryInterval: Int64 = 2000
    @OptionGroup var connections: ServerLimitOptions

    func validate() throws {
        guard coreTimeout > 0, retryInterval > 0 else {
            throw ValidationError("--core-timeout and --retry-interval must be at least 1 millisecond.")
        }
    }

    func run() async throws {
        Logs.bootstrap()
        let logger = Logger(label: "loyalgate.relay")
        let relay = try ShopRelay(
            core: try tls.endpoint(core), queueFolder: queue, timeout: .milliseconds(coreTimeout),
            retryInterval: .milliseconds(retryInterval), logger: logger)
        try? FileManager.default.createDirectory(
            atPath: (socket as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let server = JSONLineServer(path: socket, limits: connections.limits, logger: logger) { line, _ in
            await relay.answer(line: line)
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: LineServerService(server), serviceName: "relay socket"),
                    .init(service: relay.delivery, serviceName: "relay delivery"),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        logger.info("stopped", metadata: ["queue-depth": "\(relay.queueDepth)"])
    }
}
