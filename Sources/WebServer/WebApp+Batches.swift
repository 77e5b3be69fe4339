import BackOffice
import Foundation
import HTTPTypes
import Hummingbird
import LoyalgateProtocol
import LoyaltyDomain
import NIOCore

/// Card batches from the browser: the core allocates the numbers and prints them on the card
/// printer's CUPS queue (`batch.*` ops); this page orders, shows progress, resumes a batch that
/// stopped and reprints one card. Managers and owners only: a batch is plastic that costs money.
extension WebApp {
    /// The order and reprint forms as typed, with their messages.
    struct BatchForms {
        var design = "", count = "", printer = "", card = ""
        var countProblem: String?, printerProblem: String?, orderProblem: String?, reprintProblem: String?
    }

    func batchRoutes(_ router: Router<WebContext>) {
        router.get("/batches") { request, _ in
            await self.page(request, may: .batches) { session, language in
                let preview = request.uri.queryParameters.get("design").map { String($0.prefix(64)) }
                return try await self.batches(
                    session, language, forms: BatchForms(design: preview ?? ""), preview: preview)
            }
        }
        router.get("/batches/preview/:design") { request, context in
            await self.page(request, may: .batches) { session, _ in
                guard let file = context.parameters.get("design"), file.hasSuffix(".png") else {
                    throw PageStop.status(.notFound, "error.notFound")
                }
                let answer = try await self.coreCall(
                    CoreOp.BatchPreview.self, .init(merchant: session.merchant, design: String(file.dropLast(4))))
                guard let png = Data(base64Encoded: answer.png) else {
                    throw PageStop.status(.notFound, "error.notFound")
                }
                return Response(
                    status: .ok, headers: [.contentType: "image/png", .cacheControl: "private, max-age=60"],
                    body: .init(byteBuffer: ByteBuffer(bytes: png)))
            }
        }
        router.post("/batches") { request, _ in
            await self.post(request, may: .batches) { session, language, fields in
                try await self.orderBatch(session, language, fields)
            }
        }
        router.post("/batches/reprint") { request, _ in
            await self.post(request, may: .batches) { session, language, fields in
                try await self.reprintCard(session, language, fields)
            }
        }
        router.post("/batches/:id/resume") { request, context in
            await self.post(request, may: .batches) { session, _, fields in
                let id = try Self.id(context)
                let printer = Self.queueName(fields["printer"])
                let answer = try await self.coreCall(
                    CoreOp.BatchResume.self, .init(merchant: session.merchant, batch: id, printer: printer))
                await self.audit(session, "batch.resume", subject: "batch:\(id)", detail: answer.printer)
                self.sessions.setNotice(session.token, key: "batches.resumed", values: ["id": "\(id)"])
                throw PageStop.redirect("/batches")
            }
        }
    }

    func batches(
        _ session: StaffSession, _ language: Language, forms: BatchForms, preview: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let catalog = Catalog(language)
        let designs = try await coreCall(CoreOp.BatchDesigns.self, .init(merchant: session.merchant)).designs
        let batches = try await coreCall(CoreOp.BatchList.self, .init(merchant: session.merchant)).batches
        let chosen = designs.contains(forms.design) ? forms.design : designs.first ?? ""
        var values: [String: Any] = [
            "designs": designs.map { ["name": $0, "selected": $0 == chosen] },
            "hasDesigns": !designs.isEmpty,
            "count": forms.count, "printer": forms.printer.isEmpty ? batches.first?.printer ?? "" : forms.printer,
            "reprintCard": forms.card,
            "hasBatches": !batches.isEmpty,
            "batches": batches.map { batch -> [String: Any] in
                var row: [String: Any] = [
                    "id": "\(batch.batch)", "design": batch.design, "count": "\(batch.count)",
                    "printed": "\(batch.printed)", "printer": batch.printer ?? "",
                    "range": [batch.firstNumber, batch.lastNumber].compactMap { $0 }.joined(separator: " … "),
                    "progressText": catalog.text(
                        batch.state == "completed"
                            ? "batches.completed" : batch.running ? "batches.printing" : "batches.stopped",
                        ["printed": "\(batch.printed)", "count": "\(batch.count)"]),
                    "stopped": batch.state != "completed" && !batch.running,
                ]
                if let problem = batch.problem { row["problem"] = problem }
                return row
            },
        ]
        if let preview, designs.contains(preview) { values["previewDesign"] = preview }
        // While a batch prints, the page shows its progress by reloading itself (no script).
        if batches.contains(where: \.running) { values["refreshSeconds"] = "3" }
        for (key, text) in [
            ("countProblem", forms.countProblem), ("printerProblem", forms.printerProblem),
            ("orderProblem", forms.orderProblem), ("reprintProblem", forms.reprintProblem),
        ] {
            if let text { values[key] = text }
        }
        return Self.html(try renderHTML("batches", values, session: session, language: language), status: status)
    }

    /// Checks the form beside its fields; the core checks the design and the printer before a
    /// number is allocated, and its refusal (a dead printer, a queue that does not exist) is
    /// shown beside the printer.
    func orderBatch(_ session: StaffSession, _ language: Language, _ fields: [String: String]) async throws
        -> Response
    {
        let catalog = Catalog(language)
        var forms = BatchForms(
            design: String((fields["design"] ?? "").prefix(64)),
            count: String((fields["count"] ?? "").trimmingCharacters(in: .whitespaces).prefix(12)),
            printer: String((fields["printer"] ?? "").trimmingCharacters(in: .whitespaces).prefix(127)))
        let count = Int(forms.count).flatMap { (1...50_000).contains($0) ? $0 : nil }
        if count == nil { forms.countProblem = catalog.text("batches.countInvalid") }
        let printer = Self.queueName(forms.printer)
        if printer == nil { forms.printerProblem = catalog.text("batches.printerInvalid") }
        guard let count, let printer else {
            return try await batches(session, language, forms: forms, status: .unprocessableContent)
        }
        let ordered: BatchView
        do {
            ordered = try await core.call(
                CoreOp.BatchOrder.self,
                .init(merchant: session.merchant, count: count, design: forms.design, printer: printer))
        } catch let refusal as LoyaltyError {
            forms.printerProblem = catalog.text("error.core", ["message": refusal.message])
            return try await batches(session, language, forms: forms, status: .unprocessableContent)
        }
        await audit(
            session, "batch.order", subject: "batch:\(ordered.batch)",
            detail: "\(ordered.count) cards, design \(ordered.design), printer \(printer)")
        sessions.setNotice(
            session.token, key: "batches.ordered", values: ["id": "\(ordered.batch)", "count": "\(ordered.count)"])
        throw PageStop.redirect("/batches")
    }

    func reprintCard(_ session: StaffSession, _ language: Language, _ fields: [String: String]) async throws
        -> Response
    {
        let catalog = Catalog(language)
        var forms = BatchForms(
            design: String((fields["design"] ?? "").prefix(64)),
            printer: String((fields["printer"] ?? "").trimmingCharacters(in: .whitespaces).prefix(127)),
            card: String((fields["card"] ?? "").filter { !$0.isWhitespace }.prefix(32)))
        guard let card = try? CardNumber(forms.card) else {
            forms.reprintProblem = catalog.text("field.card")
            return try await batches(session, language, forms: forms, status: .unprocessableContent)
        }
        guard let printer = Self.queueName(forms.printer) else {
            forms.reprintProblem = catalog.text("batches.printerInvalid")
            return try await batches(session, language, forms: forms, status: .unprocessableContent)
        }
        let answer: CardReprintAnswer
        do {
            answer = try await core.call(
                CoreOp.CardReprint.self,
                .init(merchant: session.merchant, card: card.digits, design: forms.design, printer: printer))
        } catch let refusal as LoyaltyError {
            forms.reprintProblem = catalog.text("error.core", ["message": refusal.message])
            return try await batches(session, language, forms: forms, status: .unprocessableContent)
        }
        await audit(session, "card.reprint", subject: answer.number, detail: "printer \(answer.printer)")
        sessions.setNotice(session.token, key: "batches.reprinted", values: ["card": answer.number])
        throw PageStop.redirect("/batches")
    }

    /// A CUPS queue name as lpadmin accepts it: printable, no space, slash or '#'.
    static func queueName(_ text: String?) -> String? {
        guard let text, !text.isEmpty, text.utf8.count <= 127,
            text.unicodeScalars.allSatisfy({
                $0.isASCII && $0.value > 32 && $0.value < 127 && !"/#\\".unicodeScalars.contains($0)
            })
        else { return nil }
        return text
    }
}
