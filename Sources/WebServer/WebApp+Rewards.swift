import BackOffice
import Foundation
import HTTPTypes
import Hummingbird
import LoyalgateProtocol
import LoyaltyDomain
import NIOCore

/// The reward catalog: everyone sees it and can print the board for the shop window (A4 or A3,
/// as the cooperative hangs in each shop); owners edit it, which stores a new program version
/// (the catalog is part of what the shop promises its customers, like the rules).
extension WebApp {
    /// One row of the editing form, as typed, with the message beside it.
    struct RewardRow {
        var sku = "", name = "", points = ""
        var problem: String?
        var values: [String: Any] {
            var values: [String: Any] = ["sku": sku, "name": name, "points": points]
            if let problem { values["problem"] = problem }
            return values
        }
    }

    func rewardRoutes(_ router: Router<WebContext>) {
        router.get("/rewards") { request, _ in
            await self.page(request) { session, language in try await self.rewards(session, language) }
        }
        router.post("/rewards") { request, _ in
            await self.post(request, may: .program) { session, language, fields in
                try await self.saveRewards(session, language, fields)
            }
        }
        router.get("/rewards/board") { request, _ in
            await self.page(request) { session, language in
                let size = request.uri.queryParameters.get("size") == "a3" ? "a3" : "a4"
                return try await self.board(session, language, size: size)
            }
        }
        for size in ["a4", "a3"] {
            router.get("/static/board-\(size).css") { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                    body: .init(byteBuffer: ByteBuffer(string: Templates.boardStylesheet(size))))
            }
        }
    }

    func rewards(
        _ session: StaffSession, _ language: Language, rows: [RewardRow]? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let current = try await coreCall(CoreOp.ProgramVersions.self, .init(merchant: session.merchant)).current
        let catalog = current.program.rewards ?? []
        let editing =
            rows
            ?? catalog.map { RewardRow(sku: $0.sku, name: $0.name, points: "\($0.points)") } + [RewardRow()]
        let values: [String: Any] = [
            "rewards": catalog.map { ["sku": $0.sku, "name": $0.name, "points": "\($0.points)"] },
            "hasRewards": !catalog.isEmpty,
            "mayEdit": session.role.may(.program),
            "rows": editing.enumerated().map { index, row in row.values.merging(["index": index]) { $1 } },
        ]
        return Self.html(try renderHTML("rewards", values, session: session, language: language), status: status)
    }

    /// Reads the rows (an empty row is left out), checks each beside itself, and stores the
    /// program with this catalog as a new version; nothing is stored while a row is wrong.
    func saveRewards(_ session: StaffSession, _ language: Language, _ fields: [String: String]) async throws
        -> Response
    {
        let catalog = Catalog(language)
        var rows: [RewardRow] = []
        for index in 0..<100 {
            guard fields["sku_\(index)"] != nil || fields["name_\(index)"] != nil else { break }
            var row = RewardRow(
                sku: String((fields["sku_\(index)"] ?? "").trimmingCharacters(in: .whitespaces).prefix(64)),
                name: String((fields["name_\(index)"] ?? "").trimmingCharacters(in: .whitespaces).prefix(120)),
                points: String((fields["points_\(index)"] ?? "").trimmingCharacters(in: .whitespaces).prefix(12)))
            if row.sku.isEmpty, row.name.isEmpty, row.points.isEmpty { continue }
            if row.sku.isEmpty || row.name.isEmpty || row.sku.contains(where: { $0.isWhitespace }) {
                row.problem = catalog.text("rewards.rowIncomplete")
            } else if Int64(row.points).map({ $0 <= 0 }) ?? true {
                row.problem = catalog.text("rewards.pointsInvalid")
            } else if rows.contains(where: { $0.sku == row.sku }) {
                row.problem = catalog.text("rewards.skuTwice")
            }
            rows.append(row)
        }
        guard rows.allSatisfy({ $0.problem == nil }) else {
            return try await rewards(session, language, rows: rows + [RewardRow()], status: .unprocessableContent)
        }
        var file = try await coreCall(CoreOp.ProgramVersions.self, .init(merchant: session.merchant)).current
        file.program.rewards = rows.map { Program.Reward(sku: $0.sku, name: $0.name, points: Int64($0.points)!) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let text = String(decoding: try encoder.encode(file), as: UTF8.self)
        let imported = try await core.call(CoreOp.ProgramImport.self, .init(merchant: session.merchant, file: text))
        await audit(
            session, "program.rewards", subject: session.merchant,
            detail: "version \(imported.version): \(rows.count) rewards")
        sessions.setNotice(
            session.token, key: imported.created ? "rewards.stored" : "program.unchanged",
            values: ["version": "\(imported.version)"])
        throw PageStop.redirect("/rewards")
    }

    /// A page of its own, made for paper: the shop's name, then each reward and its points in
    /// letters readable from across the shop.
    func board(_ session: StaffSession, _ language: Language, size: String) async throws -> Response {
        let current = try await coreCall(CoreOp.ProgramVersions.self, .init(merchant: session.merchant)).current
        let values: [String: Any] = [
            "shop": current.merchant.name, "size": size,
            "rewards": (current.program.rewards ?? []).map { ["name": $0.name, "points": "\($0.points)"] },
        ]
        // The board is printed on its own: no navigation, no session frame.
        return Self.html(try renderHTML("board", values, session: nil, language: language))
    }
}
