import Foundation
import LoyalgateProtocol

/// What the core needs to print branded cards for the back office: a folder of designs and the
/// card printer's CUPS queues. Implemented by CardBatches' `CardPrintingDesk`; a core started
/// without a designs folder has none and refuses these ops with a sentence saying so.
public protocol CardPrintDesk: Sendable {
    func designs() throws -> [String]
    func preview(design: String) async throws -> Data
    func order(merchant: String?, count: Int, design: String, printer: String) async throws -> BatchView
    func batches(merchant: String?) async throws -> [BatchView]
    func resume(merchant: String?, batch: Int64, printer: String?) async throws -> BatchView
    func reprint(merchant: String?, card: String, design: String, printer: String) async throws -> CardReprintAnswer
}

/// Card batches and reprints (types: LoyalgateProtocol/CoreOps/CardBatchOps.swift).
extension CoreService {
    static let cardBatchHandlers: [Handler] = [
        Handler(CoreOp.BatchDesigns.self) { context, p in
            _ = try context.merchant(p.merchant)
            return BatchDesignsAnswer(designs: try context.printDesk().designs())
        },
        Handler(CoreOp.BatchPreview.self) { context, p in
            _ = try context.merchant(p.merchant)
            let png = try await context.printDesk().preview(design: p.design)
            return BatchPreviewAnswer(design: p.design, png: png.base64EncodedString())
        },
        Handler(CoreOp.BatchOrder.self) { context, p in
            try await context.printDesk().order(
                merchant: try context.merchant(p.merchant), count: p.count, design: p.design, printer: p.printer)
        },
        Handler(CoreOp.BatchList.self) { context, p in
            BatchListAnswer(batches: try await context.printDesk().batches(merchant: try context.merchant(p.merchant)))
        },
        Handler(CoreOp.BatchResume.self) { context, p in
            try await context.printDesk().resume(
                merchant: try context.merchant(p.merchant), batch: p.batch, printer: p.printer)
        },
        Handler(CoreOp.CardReprint.self) { context, p in
            try await context.printDesk().reprint(
                merchant: try context.merchant(p.merchant), card: p.card, design: p.design, printer: p.printer)
        },
    ]
}

extension HandlerContext {
    func printDesk() throws(LoyaltyError) -> any CardPrintDesk {
        guard let cardPrinting else {
            throw LoyaltyError(
                .badRequest,
                "This core prints no cards: start it with --designs DIR, the folder of the shop's card designs (docs/protocol.md, Card batches)."
            )
        }
        return cardPrinting
    }
}
