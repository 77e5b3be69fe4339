import Foundation
import LoyalgateProtocol
import PrinterUSB
import Receipts
import SocketServer

/// The gateway's receipt side: `receipt.print` and `printer.status` on the till socket,
/// `print.job` and `printer.status` events through the hub (docs/receipts.md). Exists only when
/// the configuration has a `receipts` section.
final class ReceiptPrinting: @unchecked Sendable {
    let service: ReceiptPrintService
    let hub: EventHub
    private let lock = NSLock()
    private var lastStatus: [String: PrinterStatusReport] = [:]
    private var poller: Thread?
    private var stopped = false

    init(configuration: ReceiptsConfiguration, hub: EventHub) {
        self.hub = hub
        service = ReceiptPrintService(configuration: configuration) { event in
            hub.publish("print.job", deviceID: event.printer, fields: Self.fields(event))
        }
    }

    struct PrintParameters: Decodable {
        var printer: String
        var key: String?
        var receipt: JSONValue
    }

    struct StatusParameters: Decodable {
        var printer: String
    }

    /// `receipt.print`: answers `{job, replayed}` itself, then starts the job, so the till has
    /// the job id before the first `print.job` event.
    func print(_ request: Request, connection: LineConnection) async throws -> Data {
        let parameters = try request.parameters(PrintParameters.self)
        let ticket: ReceiptPrintService.Ticket
        do {
            let receipt = try JSONEncoder().encode(parameters.receipt)
            ticket = try service.accept(printer: parameters.printer, receipt: receipt, key: parameters.key)
        } catch let error as ReceiptsError {
            return Frame.failure(id: request.id, code: error.code.rawValue, message: error.message)
        }
        let answer = Frame.success(id: request.id, JSONValue.object(["job": .string(ticket.job), "replayed": .bool(ticket.replayed)]))
        do { try await connection.write(answer) } catch { return Data() }
        ticket.start()
        return Data()
    }

    /// `printer.status`: the printer's own status over USB (configured with `usb`).
    func status(_ request: Request) throws -> Data {
        let parameters = try request.parameters(StatusParameters.self)
        do {
            let report = try service.status(printer: parameters.printer)
            return Frame.success(id: request.id, Self.fields(report))
        } catch {
            return Frame.failure(id: request.id, code: error.code.rawValue, message: error.message)
        }
    }

    /// Asks every USB printer for its status every `interval` seconds and publishes a
    /// `printer.status` event when it changes (paper near end, cover open, ...). A printer that is
    /// busy (CUPS printing) or does not answer is skipped until the next round.
    func startPolling(interval: Double) {
        let printers = service.configuration.printers.filter { $0.usb != nil }
        guard interval > 0, !printers.isEmpty else { return }
        let thread = Thread { [self] in
            while !lock.withLock({ stopped }) {
                for printer in printers {
                    guard let report = try? service.status(printer: printer.id) else { continue }
                    let changed = lock.withLock {
                        defer { lastStatus[printer.id] = report }
                        return lastStatus[printer.id] != report
                    }
                    if changed { hub.publish("printer.status", deviceID: printer.id, fields: Self.fields(report).objectValue) }
                }
                Thread.sleep(forTimeInterval: interval)
            }
        }
        thread.name = "receipt printer status"
        poller = thread
        thread.start()
    }

    func stop() {
        lock.withLock { stopped = true }
    }

    static func fields(_ event: PrintJobEvent) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "job": .string(event.job), "printer": .string(event.printer), "state": .string(event.state.rawValue), "attempt": .int(Int64(event.attempt)),
        ]
        if let reason = event.reason { fields["reason"] = .string(reason) }
        return fields
    }

    static func fields(_ report: PrinterStatusReport) -> JSONValue {
        .object([
            "printer": .string(report.printer), "online": .bool(report.online), "coverOpen": .bool(report.coverOpen),
            "paperNearEnd": .bool(report.paperNearEnd), "paperOut": .bool(report.paperOut), "drawerOpen": .bool(report.drawerOpen),
            "error": .bool(report.error), "problems": .array(report.problems.map(JSONValue.string)),
        ])
    }
}
