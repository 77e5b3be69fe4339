import BackOffice
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import LoyalgateProtocol
import LoyaltyDomain
import NIOCore

extension WebApp {
    static let exportFiles = ["cards", "customers", "ledger"]

    func exportsPage(_ session: StaffSession, _ language: Language) throws -> Response {
        try render("exports", [:], session: session, language: language)
    }

    /// The file streamed page by page from the core (`export.page`), so a million ledger rows
    /// never sit in the web's memory at once. The first page is fetched before the answer
    /// starts: a refusal is still a page with its sentence, not a cut-off download.
    func export(_ session: StaffSession, file: String) async throws -> Response {
        guard Self.exportFiles.contains(file) else { throw PageStop.status(.notFound, "error.notFound") }
        let merchant = session.merchant
        let first = try await coreCall(CoreOp.ExportPage.self, .init(merchant: merchant, file: file, limit: 500))
        await audit(session, "export.\(file)", subject: merchant)
        let core = self.core
        let logger = self.logger
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"\(merchant)-\(file).csv\"",
            ],
            body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: first.csv))
                var after = first.next
                while let next = after {
                    do {
                        let page = try await core.call(
                            CoreOp.ExportPage.self, .init(merchant: merchant, file: file, after: next, limit: 500))
                        try await writer.write(ByteBuffer(string: page.csv))
                        after = page.next
                    } catch {
                        // The download is cut short; the browser shows it as failed.
                        logger.error("export cut short", metadata: ["file": "\(file)", "error": "\(error)"])
                        throw error
                    }
                }
                try await writer.finish(nil)
            })
    }
}
