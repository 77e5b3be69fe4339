import ArgumentParser
import BrowserBridge
import Foundation
import Gateway
import Logging
import LoyalgateClient
import LoyalgateProtocol
import ServiceLifecycle
import UnixSignals

/// `loyalgate gateway --core PATH --socket PATH [--config FILE]` (the contract), and the
/// pairing of browser pages with its bridge (`pair`, `pairings`, `unpair`).
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "The device gateway: reads barcode scanners and streams scans to tills (docs/gateway.md).",
        subcommands: [GatewayServeCommand.self, PairCommand.self, PairingsCommand.self, UnpairCommand.self],
        defaultSubcommand: GatewayServeCommand.self)

    /// `loyalgate gateway pair`: a one-time code for a browser page (docs/browser-bridge.md).
    struct PairCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pair",
            abstract: "Shows a one-time code that pairs a browser page with the gateway's browser bridge.")
        @Option(help: "The gateway's socket.") var socket: String = ".loyalgate/gateway.sock"
        @Option(help: "What the page is, for the list (\"Till 2 tablet\").") var name: String?
        @Option(help: "Also print the code on this receipt printer (its id in the gateway configuration).")
        var printer: String?

        func run() throws {
            let gateway = try LoyalgateClient(socket: socket, timeoutMilliseconds: 5000)
            let answer = try gateway.call(GatewayOp.BridgePair.self, .init(name: name, printer: printer))
            print("Pairing code: \(answer.code.prefix(4)) \(answer.code.suffix(4))")
            print("Type it into the page within ten minutes (until \(answer.expiresAt)); it works once.")
            print(
                answer.merchant.map { "The page will act for \($0)." }
                    ?? "The page will act for no merchant: it sees no customer names and cannot earn (bind this user in the gateway's access rules)."
            )
        }
    }

    struct PairingsCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pairings", abstract: "Lists the browser pages paired with the gateway.")
        @Option(help: "The gateway's socket.") var socket: String = ".loyalgate/gateway.sock"

        func run() throws {
            let gateway = try LoyalgateClient(socket: socket, timeoutMilliseconds: 5000)
            let pairings = try gateway.call(GatewayOp.BridgePairings.self).pairings
            if pairings.isEmpty { print("No browser page is paired.") }
            for pairing in pairings {
                print(
                    "\(pairing.id)  \(pairing.name)  \(pairing.origin)  merchant \(pairing.merchant ?? "none")  paired \(pairing.pairedAt)  last seen \(pairing.lastSeenAt ?? "never")"
                )
            }
        }
    }

    struct UnpairCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unpair", abstract: "Revokes a paired browser page: its token stops working at once.")
        @Option(help: "The gateway's socket.") var socket: String = ".loyalgate/gateway.sock"
        @Argument(help: "The pairing's id (loyalgate gateway pairings).") var pairing: String

        func run() throws {
            let gateway = try LoyalgateClient(socket: socket, timeoutMilliseconds: 5000)
            let revoked = try gateway.call(GatewayOp.BridgeRevoke.self, .init(pairing: pairing)).revoked
            print("Revoked \(revoked.id) (\(revoked.name), \(revoked.origin)).")
        }
    }
}

/// `loyalgate gateway [serve] --core PATH --socket PATH [--config FILE]`.
struct GatewayServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Runs the gateway (the default: `loyalgate gateway --core ... --socket ...`).")

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
        let service = try GatewayService(
            core: try tls.endpoint(core), socketPath: socket, limits: connections.limits, configuration: configuration,
            logger: logger
        )
        // SIGTERM and SIGINT are handled here and nowhere else: the group turns them into the
        // service's graceful shutdown (finish in-flight scans, remove the socket), then run()
        // returns and the command exits 0.
        // The browser bridge, when configured, serves beside the till socket in the same group.
        let bridge = configuration.browser.map {
            ServiceGroupConfiguration.ServiceConfiguration(
                service: BridgeService(gateway: service, configuration: $0, logger: logger))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: metricsServices + [.init(service: service)] + (bridge.map { [$0] } ?? []),
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        logger.info("stopped")
    }
}
