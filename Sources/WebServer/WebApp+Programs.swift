import BackOffice
import Foundation
import HTTPTypes
import Hummingbird
import LoyalgateProtocol
import LoyaltyDomain

extension WebApp {
    /// The current rules in plain words, the version history and, for owners, the upload.
    func programs(
        _ session: StaffSession, _ language: Language, uploaded: String? = nil, problems: [ProgramCheck.Problem] = [],
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let catalog = Catalog(language)
        let money = self.money(language)
        let answer = try await coreCall(CoreOp.ProgramVersions.self, .init(merchant: session.merchant))
        let file = answer.current
        let currency = file.merchant.currency
        var rules: [String] = []
        if let points = file.program.points {
            rules.append(
                catalog.text(
                    "program.points",
                    ["points": "\(points.points ?? 1)", "amount": money.amount(points.per, currency: currency)]))
        }
        if let discount = file.program.discount, let from = discount.redeemFrom {
            rules.append(catalog.text("program.discount", ["amount": money.amount(from, currency: currency)]))
        }
        for reward in file.program.rewards ?? [] {
            rules.append(catalog.text("program.reward", ["name": reward.name, "points": "\(reward.points)"]))
        }
        for (reason, fee) in (file.program.cards?.replacementFees ?? [:]).sorted(by: { $0.key < $1.key }) {
            rules.append(
                catalog.text(
                    "program.fee",
                    [
                        "reason": catalog.text("card.replace.reason.\(reason)"),
                        "amount": money.amount(fee, currency: currency),
                    ]))
        }
        let end = try await coreCall(CoreOp.ProgramEndGet.self, .init(merchant: session.merchant))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = configuration.timeZone
        let earliest = calendar.date(byAdding: .month, value: 6, to: Date()) ?? Date()
        var values: [String: Any] = [
            "programEnd": end.date.map {
                catalog.text(
                    "program.end.announced",
                    ["date": $0, "by": end.announcedBy ?? "", "when": end.announcedAt.map(money.instant) ?? ""])
            } ?? catalog.text("program.end.none"),
            "ended": end.date != nil,
            "earliestEnd": String(Timestamp.format(earliest).prefix(10)),
            "rules": rules,
            "versions": answer.versions.map { ["version": "\($0.version)", "when": money.instant($0.createdAt)] },
            "mayUpload": session.role.may(.program),
        ]
        if let uploaded {
            let lines = uploaded.components(separatedBy: "\n")
            values["hasProblems"] = !problems.isEmpty
            values["unplaced"] = problems.filter { $0.line == nil }.map(\.message)
            values["lines"] = lines.enumerated().map { index, text -> [String: Any] in
                var line: [String: Any] = ["number": "\(index + 1)", "text": text]
                let here = problems.filter { $0.line == index + 1 }.map(\.message)
                if !here.isEmpty { line["problems"] = here }
                return line
            }
        }
        let html = try renderHTML("programs", values, session: session, language: language)
        return Self.html(html, status: status)
    }

    /// A program file posted as multipart/form-data: checked here first (the checker's sentence
    /// beside its line), then sent to the core, which checks it again and stores the version.
    func uploadProgram(_ request: Request) async -> Response {
        let language = self.language(request)
        guard let session = currentSession(request) else {
            return failure(PageStop.status(.forbidden, "error.csrf"), session: nil, language: language)
        }
        do {
            let body = try await request.body.collect(upTo: 1 << 20)
            guard
                let fields = FormBody.multipart(String(buffer: body), contentType: request.headers[.contentType] ?? ""),
                let token = fields["_csrf"], SessionTable.same(token, session.csrf)
            else { throw PageStop.status(.forbidden, "error.csrf") }
            guard session.role.may(.program) else { throw PageStop.status(.forbidden, "error.forbidden") }
            let text = fields["file"] ?? ""
            let check = ProgramCheck(text: text)
            var problems = check.problems
            if let file = check.file, file.merchant.code != session.merchant {
                problems.append(
                    .init(
                        line: ProgramCheck.line(of: "merchant.code: x", in: text),
                        message: Catalog(language).text(
                            "program.otherMerchant", ["file": file.merchant.code, "merchant": session.merchant])))
            }
            guard problems.isEmpty else {
                return try await programs(
                    session, language, uploaded: text, problems: problems, status: .unprocessableContent)
            }
            let imported: ProgramImportAnswer
            do {
                imported = try await core.call(CoreOp.ProgramImport.self, .init(merchant: session.merchant, file: text))
            } catch let refusal as LoyaltyError where refusal.code == .badRequest {
                return try await programs(
                    session, language, uploaded: text,
                    problems: [.init(line: ProgramCheck.line(of: refusal.message, in: text), message: refusal.message)],
                    status: .unprocessableContent)
            }
            await audit(session, "program.import", subject: session.merchant, detail: "version \(imported.version)")
            sessions.setNotice(
                session.token, key: imported.created ? "program.stored" : "program.unchanged",
                values: ["version": "\(imported.version)"])
            return Self.redirect("/programs")
        } catch {
            return failure(error, session: session, language: language)
        }
    }

    /// The owner announces the program's last day; the core refuses one less than six months
    /// ahead with a sentence shown on the error page.
    func announceEnd(_ request: Request) async -> Response {
        await post(request, may: .program) { session, _, fields in
            let date = String((fields["date"] ?? "").prefix(32))
            let answer = try await self.coreCall(
                CoreOp.ProgramEndAnnounce.self, .init(merchant: session.merchant, date: date, by: session.user))
            await self.audit(session, "program.end.announce", subject: session.merchant, detail: date)
            self.sessions.setNotice(
                session.token, key: "program.end.stored",
                values: ["date": answer.date ?? date, "mails": "\(answer.mailsRecorded ?? 0)"])
            throw PageStop.redirect("/programs")
        }
    }
}
