import BackOffice
import Foundation
import HTTPTypes
import Hummingbird
import LoyalgateProtocol
import LoyaltyDomain
import NIOCore

/// Campaigns (planned time-limited rules) and prize draws, for managers and owners
/// (docs/campaigns-and-draws.md). The core decides and refuses; a refusal is shown above the
/// form with what was typed kept.
extension WebApp {
    func campaignRoutes(_ router: Router<WebContext>) {
        router.get("/campaigns") { request, _ in
            await self.page(request, may: .campaigns) { session, language in
                try await self.campaignsPage(session, language, typed: [:], problem: nil)
            }
        }
        router.post("/campaigns") { request, _ in
            await self.post(request, may: .campaigns) { session, language, fields in
                try await self.addCampaign(session, language, fields)
            }
        }
        router.post("/campaigns/:id/cancel") { request, context in
            await self.post(request, may: .campaigns) { session, language, _ in
                let id = String((context.parameters.get("id") ?? "").prefix(64))
                do {
                    _ = try await self.core.call(
                        CoreOp.CampaignCancel.self, .init(merchant: session.merchant, campaign: id))
                } catch let refusal as LoyaltyError where refusal.code == .badRequest {
                    return try await self.campaignsPage(
                        session, language, typed: [:], problem: refusal.message, status: .unprocessableContent)
                }
                await self.audit(session, "campaign.cancel", subject: "campaign:\(id)")
                self.sessions.setNotice(session.token, key: "campaigns.cancelled", values: ["id": id])
                throw PageStop.redirect("/campaigns")
            }
        }
        router.get("/draws") { request, _ in
            await self.page(request, may: .campaigns) { session, language in
                try await self.drawsPage(session, language, typed: [:], problem: nil)
            }
        }
        router.post("/draws") { request, _ in
            await self.post(request, may: .campaigns) { session, language, fields in
                try await self.defineDraw(session, language, fields)
            }
        }
        router.post("/draws/:draw/:step") { request, context in
            await self.post(request, may: .campaigns) { session, language, _ in
                let draw = String((context.parameters.get("draw") ?? "").prefix(64))
                let step = context.parameters.get("step") ?? ""
                do {
                    switch step {
                    case "commit":
                        _ = try await self.core.call(
                            CoreOp.DrawCommit.self, .init(merchant: session.merchant, draw: draw))
                    case "run":
                        _ = try await self.core.call(CoreOp.DrawRun.self, .init(merchant: session.merchant, draw: draw))
                    default:
                        throw PageStop.status(.notFound, "error.notFound")
                    }
                } catch let refusal as LoyaltyError where refusal.code == .badRequest {
                    return try await self.drawsPage(
                        session, language, typed: [:], problem: refusal.message, status: .unprocessableContent)
                }
                await self.audit(session, "draw.\(step)", subject: "draw:\(draw)")
                self.sessions.setNotice(
                    session.token, key: step == "run" ? "draws.drawn" : "draws.committed", values: ["draw": draw])
                throw PageStop.redirect(step == "run" ? "/draws/\(draw)" : "/draws")
            }
        }
        router.get("/draws/:draw") { request, context in
            await self.page(request, may: .campaigns) { session, language in
                let draw = String((context.parameters.get("draw") ?? "").prefix(80))
                if draw.hasSuffix(".csv") {
                    let report = try await self.coreCall(
                        CoreOp.DrawReport.self, .init(merchant: session.merchant, draw: String(draw.dropLast(4))))
                    return Response(
                        status: .ok,
                        headers: [
                            .contentType: "text/csv; charset=utf-8",
                            .contentDisposition: "attachment; filename=\"draw-\(report.view.draw).csv\"",
                        ], body: .init(byteBuffer: ByteBuffer(string: report.csv)))
                }
                return try await self.drawReportPage(session, language, draw: draw)
            }
        }
    }

    func campaignsPage(
        _ session: StaffSession, _ language: Language, typed: [String: String], problem: String?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let catalog = Catalog(language)
        let answer = try await coreCall(CoreOp.CampaignList.self, .init(merchant: session.merchant))
        let rows: [[String: Any]] = answer.campaigns.map { item in
            let campaign = item.campaign
            var what: [String] = []
            if let multiplier = campaign.multiplier {
                what.append(catalog.text("campaigns.times", ["multiplier": multiplier.description]))
            }
            if let bonus = campaign.bonusPoints { what.append(catalog.text("campaigns.bonus", ["points": "\(bonus)"])) }
            var on: [String] = []
            if let brands = campaign.brands { on.append(brands.joined(separator: ", ")) }
            if let categories = campaign.categories { on.append(categories.joined(separator: ", ")) }
            if campaign.membersOnly == true { on.append(catalog.text("campaigns.members")) }
            return [
                "id": campaign.id, "name": campaign.name,
                "from": campaign.from.replacingOccurrences(of: "T", with: " "),
                "until": campaign.until.replacingOccurrences(of: "T", with: " "), "what": what.joined(separator: ", "),
                "on": on.isEmpty ? catalog.text("campaigns.everything") : on.joined(separator: "; "),
                "state": catalog.text("campaigns.state.\(item.state)"),
                "cancellable": item.state != "ended",
            ]
        }
        var values: [String: Any] = [
            "campaigns": rows, "hasCampaigns": !rows.isEmpty, "version": "\(answer.version)",
            "timeZone": answer.timeZone,
        ]
        for (key, value) in typed { values["typed_\(key)"] = value }
        if typed["members"] == "yes" { values["typed_membersChecked"] = true }
        if let problem { values["problem"] = problem }
        return Self.html(try renderHTML("campaigns", values, session: session, language: language), status: status)
    }

    func addCampaign(_ session: StaffSession, _ language: Language, _ fields: [String: String]) async throws
        -> Response
    {
        let keys = ["id", "name", "from", "until", "multiplier", "bonus", "brands", "categories", "members"]
        let typed = Dictionary(
            uniqueKeysWithValues: keys.map {
                ($0, String((fields[$0] ?? "").prefix(2000)).trimmingCharacters(in: .whitespaces))
            })
        let catalog = Catalog(language)
        func list(_ text: String) -> [String]? {
            let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            return names.isEmpty ? nil : names
        }
        var multiplier: Ratio?
        if let text = typed["multiplier"], !text.isEmpty {
            guard let ratio = Ratio(text.replacingOccurrences(of: ",", with: ".")) else {
                return try await campaignsPage(
                    session, language, typed: typed, problem: catalog.text("campaigns.badMultiplier"),
                    status: .unprocessableContent)
            }
            multiplier = ratio
        }
        var bonus: Int64?
        if let text = typed["bonus"], !text.isEmpty {
            guard let points = Int64(text) else {
                return try await campaignsPage(
                    session, language, typed: typed, problem: catalog.text("campaigns.badBonus"),
                    status: .unprocessableContent)
            }
            bonus = points
        }
        let campaign = Program.Campaign(
            id: typed["id"] ?? "", name: typed["name"] ?? "", from: typed["from"] ?? "", until: typed["until"] ?? "",
            multiplier: multiplier, bonusPoints: bonus, brands: list(typed["brands"] ?? ""),
            categories: list(typed["categories"] ?? ""), membersOnly: typed["members"] == "yes" ? true : nil)
        let answer: CampaignsAnswer
        do {
            answer = try await core.call(CoreOp.CampaignAdd.self, .init(merchant: session.merchant, campaign: campaign))
        } catch let refusal as LoyaltyError where refusal.code == .badRequest {
            return try await campaignsPage(
                session, language, typed: typed, problem: refusal.message, status: .unprocessableContent)
        }
        await audit(
            session, "campaign.add", subject: "campaign:\(campaign.id)",
            detail: "\(campaign.from) to \(campaign.until), program version \(answer.version)")
        sessions.setNotice(
            session.token, key: "campaigns.added", values: ["id": campaign.id, "version": "\(answer.version)"])
        throw PageStop.redirect("/campaigns")
    }

    func drawsPage(
        _ session: StaffSession, _ language: Language, typed: [String: String], problem: String?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let catalog = Catalog(language)
        let money = self.money(language)
        let answer = try await coreCall(CoreOp.DrawList.self, .init(merchant: session.merchant))
        let rows: [[String: Any]] = answer.draws.map { draw in
            var row: [String: Any] = [
                "draw": draw.draw, "name": draw.name, "from": draw.from.replacingOccurrences(of: "T", with: " "),
                "until": draw.until.replacingOccurrences(of: "T", with: " "),
                "per": money.amount(draw.per, currency: draw.currency), "winners": "\(draw.winners)",
                "state": catalog.text("draws.state.\(draw.state)"),
                "mayCommit": draw.state == "defined", "mayRun": draw.state == "committed",
            ]
            if let hash = draw.seedHash { row["seedHash"] = hash }
            return row
        }
        var values: [String: Any] = ["draws": rows, "hasDraws": !rows.isEmpty]
        for (key, value) in typed { values["typed_\(key)"] = value }
        if let problem { values["problem"] = problem }
        return Self.html(try renderHTML("draws", values, session: session, language: language), status: status)
    }

    func defineDraw(_ session: StaffSession, _ language: Language, _ fields: [String: String]) async throws
        -> Response
    {
        let keys = ["draw", "name", "from", "until", "per", "winners"]
        let typed = Dictionary(
            uniqueKeysWithValues: keys.map {
                ($0, String((fields[$0] ?? "").prefix(200)).trimmingCharacters(in: .whitespaces))
            })
        guard let winners = Int(typed["winners"] ?? "") else {
            return try await drawsPage(
                session, language, typed: typed, problem: Catalog(language).text("draws.badWinners"),
                status: .unprocessableContent)
        }
        do {
            _ = try await core.call(
                CoreOp.DrawDefine.self,
                .init(
                    merchant: session.merchant, draw: typed["draw"] ?? "", name: typed["name"] ?? "",
                    from: typed["from"] ?? "", until: typed["until"] ?? "",
                    per: (typed["per"] ?? "").replacingOccurrences(of: ",", with: "."), winners: winners))
        } catch let refusal as LoyaltyError where refusal.code == .badRequest {
            return try await drawsPage(
                session, language, typed: typed, problem: refusal.message, status: .unprocessableContent)
        }
        await audit(session, "draw.define", subject: "draw:\(typed["draw"] ?? "")")
        sessions.setNotice(session.token, key: "draws.defined", values: ["draw": typed["draw"] ?? ""])
        throw PageStop.redirect("/draws")
    }

    func drawReportPage(_ session: StaffSession, _ language: Language, draw: String) async throws -> Response {
        let catalog = Catalog(language)
        let money = self.money(language)
        let report: DrawReportAnswer
        do {
            report = try await core.call(CoreOp.DrawReport.self, .init(merchant: session.merchant, draw: draw))
        } catch let refusal as LoyaltyError where refusal.code == .badRequest {
            throw PageStop.status(.notFound, "error.notFound", ["message": refusal.message])
        }
        let view = report.view
        var values: [String: Any] = [
            "draw": view.draw, "name": view.name, "from": view.from.replacingOccurrences(of: "T", with: " "),
            "until": view.until.replacingOccurrences(of: "T", with: " "),
            "per": money.amount(view.per, currency: view.currency), "winners": "\(view.winners)",
            "state": catalog.text("draws.state.\(view.state)"),
            "entries": report.entries.map { entry -> [String: Any] in
                var row: [String: Any] = [
                    "card": entry.card, "spent": money.amount(entry.spent, currency: view.currency),
                    "entries": "\(entry.entries)",
                ]
                if let won = entry.won { row["won"] = "\(won)" }
                return row
            },
            "hasEntries": !report.entries.isEmpty, "hasWinners": !(view.winningCards ?? []).isEmpty,
            "winningCards": (view.winningCards ?? []).enumerated().map { ["rank": "\($0 + 1)", "card": $1] },
        ]
        if let hash = view.seedHash { values["seedHash"] = hash }
        if let seed = view.seed { values["seed"] = seed }
        if let committed = view.committedAt { values["committedAt"] = money.instant(committed) }
        if let drawn = view.drawnAt { values["drawnAt"] = money.instant(drawn) }
        return try render("draw", values, session: session, language: language)
    }
}
