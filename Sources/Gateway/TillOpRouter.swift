import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import ReceiptEncoding
import Receipts
import ScannerDrivers
import SocketServer

/// The gateway's ops on the till socket (docs/gateway.md; their types: `GatewayOp` in
/// LoyalgateProtocol): `subscribe`, `devices.list`, `gateway.status`, `receipt.print` and
/// `printer.status`.
struct TillOpRouter: Sendable {
    let hub: EventHub
    let registry: DeviceRegistry
    let pipeline: ScanPipeline
    let sessions: SessionTable
    let table: ScannerTable
    let receipts: ReceiptPrintService?
    let access: GatewayAccess
    let pairings: BrowserPairings

    func answer(line: Data, connection: any TillLink) async -> Data {
        let request: Request
        switch Request.parse(line) {
        case .success(let parsed): request = parsed
        case .failure(let failure): return Frame.failure(id: failure.id, failure.error)
        }
        do {
            switch request.op {
            case GatewayOp.Subscribe.name:
                let parameters = try request.parameters(of: GatewayOp.Subscribe.self)
                let session = sessions.session(for: connection, hub: hub, access: access)
                connection.keepWhileIdle()
                let wanted = parameters.devices.map(Set.init)
                let subscription = hub.subscribe(
                    session, devices: wanted, since: parameters.since, epoch: parameters.epoch)
                let answer = GatewayOp.Subscribe.Answer(
                    devices: registry.devices().filter { wanted?.contains($0.id) ?? true }, epoch: hub.epoch,
                    cursor: subscription.cursor, replayed: subscription.replayed, complete: subscription.complete)
                // The answer goes first, then the replayed and live events (hence written here).
                do { try await connection.write(Frame.success(id: request.id, answer)) } catch { return Data() }
                session.resume()
                return Data()
            case GatewayOp.DevicesList.name:
                return Frame.success(id: request.id, GatewayOp.DevicesList.Answer(devices: registry.devices()))
            case GatewayOp.GatewayStatus.name:
                return Frame.success(
                    id: request.id,
                    GatewayOp.GatewayStatus.Answer(
                        epoch: hub.epoch, cursor: hub.lastCursor, tills: hub.tillCount, scannerTable: table.sources,
                        core: pipeline.coreStatus, nodes: registry.status(), typing: pipeline.passThrough.summary))
            case GatewayOp.ReceiptPrint.name:
                guard let receipts else {
                    return Frame.failure(
                        id: request.id, code: "printer-unavailable",
                        message:
                            "This gateway has no receipt printers configured (\"receipts\" in its configuration, docs/receipts.md)."
                    )
                }
                // The answer goes first, then the job starts, so the till has the job id before its first event.
                let ticket: ReceiptPrintService.Ticket
                do {
                    var print = try receipts.read(line: line)
                    var balances: ReceiptPrintService.CardBalances?
                    if let text = print.card {
                        // A number typed as printed on the card is the same number; anything
                        // else is the till's mistake, answered before anything prints.
                        let number = try CardNumber(text)
                        // Fetched now, after the sale: the core's balances, never the till's copy.
                        // A core that does not answer costs the receipt its balance, not the print.
                        // A till acting for one merchant prints no other merchant's balances, as
                        // it sees no other merchant's look-ups in scan events.
                        let binding = connection.merchant(under: access)
                        let fetched = await pipeline.receiptLookup(card: number.digits)
                        balances =
                            switch fetched?.answer {
                            case .success(let answer)? where binding == nil || binding == fetched?.merchant:
                                .fetched(answer)
                            default: .unavailable(card: number.digits)
                            }
                        // The card's own page as a QR code, when the shop has one and the till
                        // sent no symbol of its own: the customer's balance without an account.
                        if let base = receipts.configuration.cardholderURL, print.receipt.footer?.barcode == nil,
                            case .fetched? = balances,
                            let token = await pipeline.receiptToken(card: number.digits, merchant: fetched?.merchant)
                        {
                            var footer = print.receipt.footer ?? ReceiptFooter()
                            let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
                            footer.barcode = FooterBarcode(type: "QR", data: trimmed + "/c/" + token)
                            print.receipt.footer = footer
                        }
                    }
                    ticket = try receipts.accept(print, balances: balances)
                } catch let error as ReceiptsError {
                    return Frame.failure(id: request.id, code: error.code.rawValue, message: error.message)
                } catch let violation as RuleViolation {
                    return Frame.failure(id: request.id, LoyaltyError(violation))
                }
                do { try await connection.write(Frame.success(id: request.id, ticket.answer)) } catch { return Data() }
                ticket.start()
                return Data()
            case GatewayOp.DrawerOpen.name:
                guard let receipts else {
                    return Frame.failure(
                        id: request.id, code: "printer-unavailable",
                        message: "This gateway has no receipt printers configured.")
                }
                let parameters = try request.parameters(of: GatewayOp.DrawerOpen.self)
                let ticket: ReceiptPrintService.Ticket
                do { ticket = try receipts.openDrawer(printer: parameters.printer, key: parameters.key) } catch {
                    return Frame.failure(id: request.id, code: error.code.rawValue, message: error.message)
                }
                do { try await connection.write(Frame.success(id: request.id, ticket.answer)) } catch { return Data() }
                ticket.start()
                return Data()
            case GatewayOp.BridgePair.name:
                let parameters = try request.parameters(of: GatewayOp.BridgePair.self)
                // The page will act for whom the caller acts for, and for no one else.
                let merchant = connection.merchant(under: access)
                let (code, expires) = pairings.newCode(merchant: merchant, name: parameters.name)
                if let printer = parameters.printer {
                    if let refusal = await printPairingCode(code, expires: expires, printer: printer) {
                        return Frame.failure(id: request.id, code: refusal.code.rawValue, message: refusal.message)
                    }
                }
                return Frame.success(
                    id: request.id,
                    GatewayOp.BridgePair.Answer(code: code, expiresAt: Timestamp.format(expires), merchant: merchant))
            case GatewayOp.BridgePairings.name:
                return Frame.success(id: request.id, GatewayOp.BridgePairings.Answer(pairings: pairings.list()))
            case GatewayOp.BridgeRevoke.name:
                let parameters = try request.parameters(of: GatewayOp.BridgeRevoke.self)
                guard let revoked = try pairings.revoke(id: parameters.pairing) else {
                    return Frame.failure(
                        id: request.id, code: "unknown-pairing",
                        message: "No browser page is paired as \(parameters.pairing) (bridge.pairings lists them).")
                }
                return Frame.success(id: request.id, GatewayOp.BridgeRevoke.Answer(revoked: revoked))
            case GatewayOp.PrinterStatus.name:
                guard let receipts else {
                    return Frame.failure(
                        id: request.id, code: "printer-unavailable",
                        message: "This gateway has no receipt printers configured.")
                }
                let parameters = try request.parameters(of: GatewayOp.PrinterStatus.self)
                do { return Frame.success(id: request.id, try receipts.status(parameters)) } catch {
                    return Frame.failure(id: request.id, code: error.code.rawValue, message: error.message)
                }
            default:
                throw LoyaltyError(
                    .unknownOp, "The gateway has no op \"\(request.op.prefix(64))\"; see docs/gateway.md.")
            }
        } catch let error as LoyaltyError {
            return Frame.failure(id: request.id, error)
        } catch {
            return Frame.failure(
                id: request.id, LoyaltyError(.internalError, "The gateway could not answer: \(error)."))
        }
    }

    /// Prints a pairing code on a receipt printer, for a page on a till with no terminal; the
    /// refusal when it cannot.
    private func printPairingCode(_ code: String, expires: Date, printer: String) async -> ReceiptsError? {
        guard let receipts else {
            return ReceiptsError(.printerUnavailable, "This gateway has no receipt printers configured.")
        }
        let spaced = code.prefix(4) + " " + code.suffix(4)
        // The typed request itself: nothing to encode as a line and decode again.
        let document = ReceiptDocument(
            header: ReceiptHeader(merchantName: "Browser pairing"), lines: [],
            footer: ReceiptFooter(lines: [
                "Pairing code: \(spaced)", "Valid until \(Timestamp.format(expires))", "Type it into the till page.",
            ]))
        do throws(ReceiptsError) {
            let ticket = try receipts.accept(ReceiptPrintRequest(printer: printer, receipt: document), balances: nil)
            ticket.start()
            return nil
        } catch {
            return error
        }
    }
}
