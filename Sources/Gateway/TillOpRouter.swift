import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import Receipts
import ScannerDrivers
import SocketServer

/// The gateway's ops on the till socket (docs/gateway.md): `subscribe`, `devices.list`,
/// `gateway.status` and `receipt.print`.
struct TillOpRouter: Sendable {
    let hub: EventHub
    let registry: DeviceRegistry
    let pipeline: ScanPipeline
    let sessions: SessionTable
    let table: ScannerTable
    let receipts: ReceiptPrintService?

    struct SubscribeParameters: Decodable {
        var devices: [String]?
        var since: Int64?
        var epoch: String?
    }

    func answer(line: Data, connection: LineConnection) async -> Data {
        let request: Request
        switch Request.parse(line) {
        case .success(let parsed): request = parsed
        case .failure(let failure): return Frame.failure(id: failure.id, failure.error)
        }
        do {
            switch request.op {
            case "subscribe":
                let parameters = try request.parameters(SubscribeParameters.self)
                let session = sessions.session(for: connection, hub: hub)
                let subscription = hub.subscribe(session, devices: parameters.devices.map(Set.init), since: parameters.since, epoch: parameters.epoch)
                let answer = Frame.success(id: request.id, JSONValue.object([
                    "devices": .array(registry.devices().filter { device in
                        parameters.devices.map { $0.contains(device["id"]?.stringValue ?? "") } ?? true
                    }),
                    "epoch": .string(hub.epoch),
                    "cursor": .int(subscription.cursor),
                    "replayed": .int(Int64(subscription.replayed)),
                    "complete": .bool(subscription.complete),
                ]))
                // The answer goes first, then the replayed and live events (hence written here).
                do { try await connection.write(answer) } catch { return Data() }
                session.resume()
                return Data()
            case "devices.list":
                return Frame.success(id: request.id, JSONValue.object(["devices": .array(registry.devices())]))
            case "gateway.status":
                let core = pipeline.coreStatus
                return Frame.success(id: request.id, JSONValue.object([
                    "epoch": .string(hub.epoch),
                    "cursor": .int(hub.lastCursor),
                    "tills": .int(Int64(hub.tillCount)),
                    "scannerTable": .array(table.sources.map(JSONValue.string)),
                    "core": .object([
                        "connected": .bool(core.connected),
                        "error": core.error.map(JSONValue.string) ?? .null,
                        "cardRanges": .array(core.ranges.map { .object(["merchant": $0.merchant.map(JSONValue.string) ?? .null, "prefix": .string($0.prefix)]) }),
                    ]),
                    "nodes": .array(registry.status()),
                ]))
            case "receipt.print":
                guard let receipts else {
                    return Frame.failure(id: request.id, code: "printer-unavailable",
                                         message: "This gateway has no receipt printers configured (\"receipts\" in its configuration, docs/receipts.md).")
                }
                // The answer goes first, then the job starts, so the till has the job id before its first event.
                let ticket: ReceiptPrintService.Ticket
                do { ticket = try receipts.accept(line: line) } catch { return Frame.failure(id: request.id, code: error.code.rawValue, message: error.message) }
                do { try await connection.write(Frame.success(id: request.id, ticket.answer)) } catch { return Data() }
                ticket.start()
                return Data()
            case "printer.status":
                guard let receipts else {
                    return Frame.failure(id: request.id, code: "printer-unavailable", message: "This gateway has no receipt printers configured.")
                }
                let parameters = try request.parameters(PrinterStatusRequest.self)
                do { return Frame.success(id: request.id, try receipts.status(parameters)) } catch {
                    return Frame.failure(id: request.id, code: error.code.rawValue, message: error.message)
                }
            default:
                throw LoyaltyError(.unknownOp, "The gateway has no op \"\(request.op.prefix(64))\"; see docs/gateway.md.")
            }
        } catch let error as LoyaltyError {
            return Frame.failure(id: request.id, error)
        } catch {
            return Frame.failure(id: request.id, LoyaltyError(.internalError, "The gateway could not answer: \(error)."))
        }
    }
}
