import Foundation
import Logging
import LoyalgateClient
import LoyalgateProtocol
import Receipts
import ScannerDrivers
import ServiceLifecycle
import SocketServer

/// `loyalgate gateway` as a swift-service-lifecycle `Service`: the device loop, the scan
/// pipeline and the till socket, wired together (docs/gateway.md, "Concurrency"). `run()` serves
/// until graceful shutdown (SIGTERM/SIGINT, handled by the command's `ServiceGroup`), then stops
/// taking tills, closes the devices, lets the pipeline finish the scans already read, and returns.
public final class GatewayService: Service, Sendable {
    public let hub: EventHub
    public let registry = DeviceRegistry()
    let pipeline: ScanPipeline
    let devices: DeviceLoop
    let server: JSONLineServer
    let sessions = SessionTable()
    let logger: Logger
    let table: ScannerTable
    let receipts: ReceiptPrintService?
    let router: TillOpRouter
    /// The browser pages paired with the bridge (`bridge.pair` on the till socket).
    public let pairings: BrowserPairings
    public let configuration: GatewayConfiguration
    /// Where the core is (its socket, or tls://): the browser bridge relays pages' core ops there.
    public let core: CoreEndpoint

    public init(
        core: CoreEndpoint, socketPath: String, limits: ConnectionLimits = .standard,
        configuration: GatewayConfiguration,
        environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger
    ) throws {
        self.configuration = configuration
        self.core = core
        let pairings = try BrowserPairings(path: configuration.browser?.pairingsFile)
        self.pairings = pairings
        let table = ScannerTable.load(paths: configuration.hwdb ?? ScannerTable.defaultPaths())
        let hub = EventHub(replayEvents: configuration.replayEvents, replaySeconds: configuration.replaySeconds)
        let registry = self.registry
        let classifier = DeviceClassifier(table: table, configuration: configuration)
        let publisher = DeviceEventPublisher(
            classifier: classifier, registry: registry, hub: hub,
            maximumScanLength: configuration.maximumScanLength, logger: logger)
        let passThrough = KeyboardPassThrough(
            typing: configuration.typing ?? KeyboardPassThrough.systemTyping(),
            needed: configuration.devices.contains { $0.passThrough == PassThrough.filter.rawValue },
            environment: environment, logger: logger)
        let pipeline = ScanPipeline(
            core: core, configuration: configuration, devices: publisher, hub: hub, registry: registry,
            passThrough: passThrough, logger: logger)
        self.table = table
        self.hub = hub
        self.pipeline = pipeline
        self.logger = logger
        let maximumLength = configuration.maximumScanLength
        self.devices = DeviceLoop(
            logger: logger,
            select: { classifier.classify($0).settings(maximumLength: maximumLength) },
            report: { pipeline.deliver($0) })
        let sessions = self.sessions
        // The receipt side reports typed updates; they reach the tills as events through the hub.
        let receipts = configuration.receipts.map { receipts in
            ReceiptPrintService(
                configuration: receipts,
                events: ReceiptEvents(
                    printJob: { hub.publish(.printJob($0)) },
                    printerStatus: { hub.publish(.printerStatus($0)) }))
        }
        self.receipts = receipts
        let router = TillOpRouter(
            hub: hub, registry: registry, pipeline: pipeline, sessions: sessions, table: table, receipts: receipts,
            access: configuration.access ?? GatewayAccess(), pairings: pairings)
        self.router = router
        self.server = JSONLineServer(
            path: socketPath, limits: limits, logger: logger,
            handler: { line, connection in await router.answer(line: line, connection: connection) })
    }

    /// Answers one request line from a till on another transport (the browser bridge): the same
    /// ops, answers and event stream as on the socket.
    public func answer(line: Data, from link: any TillLink) async -> Data {
        await router.answer(line: line, connection: link)
    }

    public func run() async throws {
        if table.records.isEmpty {
            logger.warning(
                "no scanner table found; only devices listed in the configuration are read",
                metadata: ["looked in": "\(ScannerTable.defaultPaths())"])
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.pipeline.run() }
            do {
                try await devices.start()
            } catch {
                pipeline.finish()
                throw error
            }
            receipts?.startWatchingPrinters()
            do {
                try await withGracefulShutdownHandler {
                    try await self.server.run()
                } onGracefulShutdown: {
                    self.server.stop()
                }
            } catch {
                await shutDown()
                throw error
            }
            await shutDown()
            try await group.waitForAll()
        }
        sessions.finishAll(hub)
    }

    /// The devices first, so no new scan arrives; then the pipeline drains what was read.
    private func shutDown() async {
        await devices.stop()
        receipts?.stop()
        pipeline.finish()
    }
}
