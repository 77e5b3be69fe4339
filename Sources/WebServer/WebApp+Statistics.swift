import BackOffice
import Foundation
import HTTPTypes
import Hummingbird
import LoyalgateProtocol
import LoyaltyDomain
import NIOCore

/// Statistics and segments in the back office (docs/statistics.md): figures come from the
/// core's report ops, charts are SVG drawn here (no script, no CDN), each table has its CSV.
extension WebApp {
    static let statisticsViews = [
        "gender", "age", "area", "brand", "category", "shop", "points", "discount", "trend-month", "trend-week",
        "best",
    ]

    func statisticsRoutes(_ router: Router<WebContext>) {
        router.get("/statistics") { request, _ in
            await self.page(request, may: .statistics) { session, language in
                try await self.statisticsPage(request, session, language)
            }
        }
        router.get("/statistics/csv") { request, _ in
            await self.page(request, may: .statistics) { session, language in
                let (view, period) = Self.statisticsQuery(request)
                let table = try await self.statisticsTable(session, language, view: view, period: period)
                let csv = ([table.header] + table.rows).map(SpreadsheetCSV.line).joined()
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "text/csv; charset=utf-8",
                        .contentDisposition:
                            "attachment; filename=\"\(session.merchant)-\(view)\(period.map { "-\($0)" } ?? "").csv\"",
                    ], body: .init(byteBuffer: ByteBuffer(string: csv)))
            }
        }
        router.get("/segments") { request, _ in
            await self.page(request, may: .segments) { session, language in
                try await self.segmentsPage(session, language, problem: nil)
            }
        }
        router.post("/segments") { request, _ in
            await self.post(request, may: .segments) { session, language, fields in
                try await self.saveSegment(session, language, fields)
            }
        }
        router.get("/segments/:id") { request, context in
            await self.page(request, may: .segments) { session, language in
                try await self.segmentPage(session, language, id: try Self.id(context))
            }
        }
        router.post("/segments/:id/csv") { request, context in
            await self.post(request, may: .segments) { session, _, _ in
                try await self.segmentCSV(session, id: try Self.id(context))
            }
        }
        router.post("/segments/:id/mail") { request, context in
            await self.post(request, may: .segments) { session, language, fields in
                let id = try Self.id(context)
                let answer: MailingAnswer
                do {
                    answer = try await self.core.call(
                        CoreOp.SegmentMail.self,
                        .init(
                            merchant: session.merchant, segment: id, subject: fields["subject"] ?? "",
                            text: fields["text"] ?? "", user: session.user,
                            key: fields["mailingKey"].map { String($0.prefix(64)) }))
                } catch let refusal as LoyaltyError {
                    self.sessions.setNotice(
                        session.token, key: "raw",
                        values: ["text": Catalog(language).text("error.core", ["message": refusal.message])])
                    throw PageStop.redirect("/segments/\(id)")
                }
                await self.audit(
                    session, "segment.mail", subject: "segment:\(id)",
                    detail: "mailing \(answer.mailing) to \(answer.recipients)")
                self.sessions.setNotice(session.token, key: "segment.mailed", values: ["count": "\(answer.recipients)"])
                throw PageStop.redirect("/segments/\(id)")
            }
        }
    }

    static func statisticsQuery(_ request: Request) -> (view: String, period: String?) {
        let view = request.uri.queryParameters.get("view").map { String($0) } ?? "gender"
        let period = request.uri.queryParameters.get("period").map { String($0.prefix(7)) }.flatMap {
            $0.isEmpty ? nil : $0
        }
        return (statisticsViews.contains(view) ? view : "gender", period)
    }

    struct StatisticsTable {
        var header: [String]
        var rows: [[String]]
        /// Label and value of each bar (amounts in minor units), with the text beside it.
        var bars: [(label: String, value: Int64, text: String)]
        var note: String
        var period: String?
    }

    /// One view's figures as a table (for the page and its CSV alike) and as bars.
    func statisticsTable(_ session: StaffSession, _ language: Language, view: String, period: String?)
        async throws -> StatisticsTable
    {
        let catalog = Catalog(language)
        let money = self.money(language)
        func minor(_ amount: String, _ currency: String) -> Int64 {
            guard let currency = Currency(code: currency) else { return 0 }
            return (try? Money(parsing: amount, currency: currency).minorUnits) ?? 0
        }
        let hidden = "–"
        switch view {
        case "trend-month", "trend-week":
            let unit = view == "trend-week" ? "week" : "month"
            let answer = try await coreCall(
                CoreOp.ReportTrend.self, .init(merchant: session.merchant, unit: unit, count: unit == "week" ? 26 : 12))
            return StatisticsTable(
                header: ["period", "buyers", "receipts", "returns", "amount", "points"].map {
                    catalog.text("statistics.col.\($0)")
                },
                rows: answer.points.map { point in
                    [
                        point.period, point.buyers.map(String.init) ?? hidden,
                        point.sales.map { String($0.receipts) } ?? hidden,
                        point.sales.map { String($0.returns) } ?? hidden,
                        point.sales?.amount ?? hidden, point.sales.map { String($0.points) } ?? hidden,
                    ]
                },
                bars: answer.points.map { point in
                    (
                        point.period, point.sales.map { minor($0.amount, answer.currency) } ?? 0,
                        point.sales.map { money.amount($0.amount, currency: answer.currency) } ?? hidden
                    )
                }, note: answer.note, period: nil)
        case "best":
            let answer = try await coreCall(
                CoreOp.ReportBestCustomers.self, .init(merchant: session.merchant, limit: 20))
            return StatisticsTable(
                header: ["customer", "name", "lastPurchase", "receipts", "amount"].map {
                    catalog.text("statistics.col.\($0)")
                },
                rows: answer.customers.map {
                    [String($0.customer), $0.displayName, $0.lastPurchase, String($0.receipts), $0.amount]
                },
                bars: answer.customers.map {
                    (
                        $0.displayName, minor($0.amount, answer.currency),
                        money.amount($0.amount, currency: answer.currency)
                    )
                }, note: catalog.text("statistics.bestNote"), period: nil)
        default:
            let answer = try await coreCall(
                CoreOp.ReportStatistics.self, .init(merchant: session.merchant, dimension: view, period: period))
            let sales = !["points", "discount"].contains(view)
            var header = ["group", "customers"]
            if sales { header += ["buyers", "receipts", "returns", "amount", "points"] }
            return StatisticsTable(
                header: header.map { catalog.text("statistics.col.\($0)") },
                rows: answer.groups.map { group in
                    var row = [group.label, group.customers.map(String.init) ?? hidden]
                    if sales {
                        row += [
                            group.buyers.map(String.init) ?? hidden,
                            group.sales.map { String($0.receipts) } ?? hidden,
                            group.sales.map { String($0.returns) } ?? hidden, group.sales?.amount ?? hidden,
                            group.sales.map { String($0.points) } ?? hidden,
                        ]
                    }
                    return row
                },
                bars: answer.groups.map { group in
                    if sales, let figures = group.sales {
                        return (
                            group.label, minor(figures.amount, answer.currency),
                            money.amount(figures.amount, currency: answer.currency)
                        )
                    }
                    return (group.label, Int64(group.customers ?? 0), group.customers.map(String.init) ?? hidden)
                }, note: answer.note, period: answer.period)
        }
    }

    func statisticsPage(_ request: Request, _ session: StaffSession, _ language: Language) async throws -> Response {
        let catalog = Catalog(language)
        let (view, period) = Self.statisticsQuery(request)
        let table: StatisticsTable
        var problem: String?
        do {
            table = try await statisticsTable(session, language, view: view, period: period)
        } catch let refusal as LoyaltyError {
            problem = catalog.text("error.core", ["message": refusal.message])
            table = StatisticsTable(header: [], rows: [], bars: [], note: "", period: period)
        }
        var query = URLComponents()
        query.queryItems =
            [URLQueryItem(name: "view", value: view)] + (period.map { [URLQueryItem(name: "period", value: $0)] } ?? [])
        let values: [String: Any] = [
            "views": Self.statisticsViews.map { name in
                [
                    "name": name, "label": catalog.text("statistics.view.\(name)"), "current": name == view,
                    "link": "/statistics?view=\(name)" + (period.map { "&period=\($0)" } ?? ""),
                ] as [String: Any]
            },
            "view": view, "viewLabel": catalog.text("statistics.view.\(view)"),
            "period": table.period ?? period ?? "", "hasPeriod": !view.hasPrefix("trend") && view != "best",
            "header": table.header, "rows": table.rows.map { ["cells": $0] },
            "chart": Self.barChart(table.bars, title: catalog.text("statistics.view.\(view)")),
            "note": table.note, "problem": problem as Any,
            "csv": "/statistics/csv" + (query.string ?? ""),
        ]
        return try render("statistics", values, session: session, language: language)
    }

    /// A horizontal bar chart as inline SVG: one bar per row, its label on the left and its
    /// figure on the right. Every text goes through XML escaping.
    static func barChart(_ bars: [(label: String, value: Int64, text: String)], title: String) -> String {
        let rowHeight = 26
        let width = 640
        let labelWidth = 170
        let barSpace = width - labelWidth - 110
        let height = max(1, bars.count) * rowHeight + 10
        let largest = max(1, bars.map(\.value).max() ?? 1)
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"chart\" role=\"img\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\"><title>\(escape(title))</title>"
        for (index, bar) in bars.enumerated() {
            let y = 5 + index * rowHeight
            let length = bar.value <= 0 ? 0 : max(1, Int(Double(bar.value) / Double(largest) * Double(barSpace)))
            svg += "<g class=\"bar\">"
            svg +=
                "<text x=\"\(labelWidth - 8)\" y=\"\(y + 17)\" text-anchor=\"end\" font-size=\"13\" fill=\"#222\">\(escape(String(bar.label.prefix(28))))</text>"
            svg +=
                "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(length)\" height=\"\(rowHeight - 8)\" fill=\"#2b6cb0\"></rect>"
            svg +=
                "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 17)\" font-size=\"13\" fill=\"#222\">\(escape(bar.text))</text>"
            svg += "</g>"
        }
        return svg + "</svg>"
    }

    // MARK: Segments

    func segmentsPage(_ session: StaffSession, _ language: Language, problem: String?, typed: [String: String] = [:])
        async throws -> Response
    {
        let answer = try await coreCall(CoreOp.SegmentList.self, .init(merchant: session.merchant))
        let catalog = Catalog(language)
        let fields = [
            "name", "brand", "brandMonths", "gender", "birthDecade", "area", "pointsAtLeast", "best", "lapsedMonths",
        ]
        return try render(
            "segments",
            [
                "segments": answer.segments.map {
                    ["id": "\($0.id)", "name": $0.name, "count": "\($0.count)", "rule": Self.describe($0.filter)]
                },
                "hasSegments": !answer.segments.isEmpty, "problem": problem as Any,
                "fields": fields.map {
                    ["name": $0, "label": catalog.text("segments.field.\($0)"), "value": typed[$0] ?? ""]
                },
                "members": typed["members"] == "yes",
            ], session: session, language: language)
    }

    static func describe(_ filter: SegmentFilter) -> String {
        var parts: [String] = []
        if let brand = filter.brand { parts.append("brand \(brand) (\(filter.brandMonths ?? 12) months)") }
        if let gender = filter.gender { parts.append("gender \(gender)") }
        if let decade = filter.birthDecade { parts.append("born \(decade)s") }
        if let area = filter.area { parts.append("area \(area)") }
        if let points = filter.pointsAtLeast { parts.append("points ≥ \(points)") }
        if let best = filter.best { parts.append("best \(best)") }
        if let months = filter.lapsedMonths { parts.append("lapsed \(months) months") }
        if filter.members == true { parts.append("members") }
        return parts.isEmpty ? "everyone" : parts.joined(separator: ", ")
    }

    func saveSegment(_ session: StaffSession, _ language: Language, _ fields: [String: String]) async throws
        -> Response
    {
        let catalog = Catalog(language)
        func text(_ name: String) -> String? {
            let value = (fields[name] ?? "").trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : String(value.prefix(100))
        }
        var bad: String?
        func number<T: FixedWidthInteger>(_ name: String) -> T? {
            guard let value = text(name) else { return nil }
            guard let parsed = T(value) else {
                bad = catalog.text("segments.field.\(name)")
                return nil
            }
            return parsed
        }
        let filter = SegmentFilter(
            brand: text("brand"), brandMonths: number("brandMonths"), gender: text("gender"),
            birthDecade: number("birthDecade"), area: text("area")?.uppercased(),
            pointsAtLeast: number("pointsAtLeast"),
            best: number("best"), lapsedMonths: number("lapsedMonths"), members: fields["members"] == "yes" ? true : nil
        )
        if let bad {
            return try await segmentsPage(
                session, language, problem: catalog.text("segments.notANumber", ["field": bad]), typed: fields)
        }
        let saved: SegmentView
        do {
            saved = try await core.call(
                CoreOp.SegmentSave.self,
                .init(merchant: session.merchant, name: text("name") ?? "", filter: filter, user: session.user))
        } catch let refusal as LoyaltyError {
            return try await segmentsPage(
                session, language, problem: catalog.text("error.core", ["message": refusal.message]), typed: fields)
        }
        await audit(session, "segment.save", subject: "segment:\(saved.id)", detail: saved.name)
        throw PageStop.redirect("/segments/\(saved.id)")
    }

    func segmentPage(_ session: StaffSession, _ language: Language, id: Int64) async throws -> Response {
        let list = try await coreCall(CoreOp.SegmentList.self, .init(merchant: session.merchant))
        guard let segment = list.segments.first(where: { $0.id == id }) else {
            throw PageStop.status(.notFound, "error.notFound")
        }
        let page = try await coreCall(
            CoreOp.SegmentMembers.self, .init(merchant: session.merchant, segment: id, limit: 100))
        return try render(
            "segment",
            [
                "id": "\(id)", "name": segment.name, "rule": Self.describe(segment.filter), "count": "\(page.count)",
                "members": page.members.map {
                    ["customer": "\($0.customer)", "name": $0.name, "email": $0.email ?? "", "card": $0.card ?? ""]
                },
                "more": page.next != nil,
                // One key per showing of the form: sent twice, it records one mailing.
                "mailingKey": SessionTable.randomToken(),
            ], session: session, language: language)
    }

    /// Every member of the segment, page by page from the core; audited like the exports (it
    /// holds names and addresses).
    func segmentCSV(_ session: StaffSession, id: Int64) async throws -> Response {
        var csv = SpreadsheetCSV.line(["customer", "name", "email", "card"])
        var after: Int64 = 0
        while true {
            let page = try await coreCall(
                CoreOp.SegmentMembers.self, .init(merchant: session.merchant, segment: id, after: after, limit: 5000),
                missing: true)
            for member in page.members {
                csv += SpreadsheetCSV.line([
                    String(member.customer), member.name, member.email ?? "", member.card ?? "",
                ])
            }
            guard let next = page.next else { break }
            after = next
        }
        await audit(session, "segment.export", subject: "segment:\(id)")
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"\(session.merchant)-segment-\(id).csv\"",
            ], body: .init(byteBuffer: ByteBuffer(string: csv)))
    }
}
