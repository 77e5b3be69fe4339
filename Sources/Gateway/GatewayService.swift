import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import Logging
import Receipts
import SocketServer

/// `loyalgate gateway`: the device thread, the scan pipeline and the till socket, wired
/// together. `run()` serves until `stop()`.
public final class GatewayService: Sendable {
    public let hub: EventHub
    public let registry = DeviceRegistry()
    let pipeline: ScanPipeline
    let devices: DeviceLoop
    let server: JSONLineServer
    let sessions = SessionTable()
    let logger: Logger
    let table: ScannerTable
    let receipts: ReceiptPrintService?

    public init(corePath: String, socketPath: String, configuration: GatewayConfiguration, logger: Logger) {
        let table = ScannerTable.load(paths: configuration.hwdb ?? ScannerTable.defaultPaths())
        let hub = EventHub(replayEvents: configuration.replayEvents, replaySeconds: configuration.replaySeconds)
        let registry = self.registry
        let pipeline = ScanPipeline(corePath: corePath, configuration: configuration, hub: hub, registry: registry, logger: logger)
        self.table = table
        self.hub = hub
        self.pipeline = pipeline
        self.logger = logger
        self.devices = DeviceLoop(classifier: DeviceClassifier(table: table, configuration: configuration), configuration: configuration,
                                  hub: hub, registry: registry, pipeline: pipeline, logger: logger)
        let sessions = self.sessions
        // The receipt side reports typed updates; they reach the tills as events through the hub.
        let receipts = configuration.receipts.map { receipts in
            ReceiptPrintService(configuration: receipts, events: ReceiptEvents(
                printJob: { hub.publish(PrintJobUpdate.event, deviceID: $0.printer, fields: eventFields($0)) },
                printerStatus: { hub.publish(PrinterStatusUpdate.event, deviceID: $0.printer, fields: eventFields($0)) }))
        }
        self.receipts = receipts
        let router = TillRequests(hub: hub, registry: registry, pipeline: pipeline, sessions: sessions, table: table, receipts: receipts)
        self.server = JSONLineServer(
            path: socketPath, logger: logger,
            handler: { line, connection in await router.answer(line: line, connection: connection) })
    }

    public func run() async throws {
        if table.records.isEmpty {
            logger.warning("no scanner table found; only devices listed in the configuration are read", metadata: ["looked in": "\(ScannerTable.defaultPaths())"])
        }
        pipeline.start()
        try devices.start()
        receipts?.startWatchingPrinters()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.server.run() }
            try await group.waitForAll()
        }
        devices.stop()
        receipts?.stop()
        pipeline.stop()
        sessions.finishAll(hub)
    }

    public func stop() {
        server.stop()
    }
}

/// Till sessions by connection (so a connection's second `subscribe` re-filters its session).
final class SessionTable: @unchecked Sendable {
    private let lock = NSLock()
    private var sessions: [LineConnection: TillSession] = [:]

    func session(for connection: LineConnection, hub: EventHub) -> TillSession {
        lock.withLock {
            if let session = sessions[connection] { return session }
            let session = TillSession(connection: connection)
            sessions[connection] = session
            // The session ends with its connection.
            connection.onClose { [weak self] in
                guard let self else { return }
                if let session = self.lock.withLock({ self.sessions.removeValue(forKey: connection) }) { hub.remove(session) }
            }
            return session
        }
    }

    func finishAll(_ hub: EventHub) {
        let all = lock.withLock { Array(sessions.values) }
        for session in all { hub.remove(session) }
    }
}

/// A typed event's fields, as the hub takes them (beside `event` on the till's line).
private func eventFields(_ value: some Encodable) -> [String: JSONValue] {
    guard let data = try? JSONEncoder().encode(value), case .object(let fields)? = JSONValue.parse(data) else { return [:] }
    return fields
}
