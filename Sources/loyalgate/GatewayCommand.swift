import ArgumentParser
import Foundation
import Gateway
import Logging
import ServiceLifecycle
import UnixSignals

/// `loyalgate gateway --core PATH --socket PATH [--config FILE]` (the contract).
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "The device gateway: reads barcode scanners and streams scans to tills (docs/gateway.md).")

    @Option(help: "The core: its Unix socket, or tls://HOST:PORT for a remote core (with --tls-dir).")
    var core: String = ".loyalgate/core.sock"
    @OptionGroup var tls: TLSClientOptions
    @Option(help: "The socket tills connect to.") var socket: String = ".loyalgate/gateway.sock"
    @OptionGroup var connections: ServerLimitOptions
    @OptionGroup var metrics: MetricsOptions
    @Option(help: "Configuration file (JSON, see docs/gateway.md); a missing default file means defaults.")
    var config: String?

    func run() async throws {
        Logs.bootstrap()
        let logger = Logger(label: "loyalgate.gateway")
        // Before anything records a figure: swift-metrics binds each metric when it is made.
        let metricsServices = try metrics.services(logger: logger)
        var configuration = GatewayConfiguration()
        if let config {
            if FileManager.default.fileExists(atPath: config) {
                configuration = try GatewayConfiguration.load(path: config)
            } else {
                // A fresh install has no file yet (the systemd unit names one): defaults apply.
                logger.warning(
                    "configuration file not found; using the defaults (docs/gateway.md)",
                    metadata: ["config": "\(config)"])
            }
        }
        try? FileManager.default.createDirectory(
            atPath: (socket as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let service = GatewayService(
            core: try tls.endpoint(core), socketPath: socket, limits: connections.limits, configuration: configuration,
            logger: logger
        )
        // SIGTERM and SIGINT are handled here and nowhere else: the group turns them into the
        // service's graceful shutdown (finish in-flight scans, remove the socket), then run()
        // returns and the command exits 0.
        let group = ServiceGroup(
            configuration: .init(
                services: metricsServices + [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        logger.info("stopped")
    }
}
