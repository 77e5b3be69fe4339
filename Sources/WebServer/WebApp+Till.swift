import BackOffice
import Foundation
import HTTPTypes
import Hummingbird
import LoyalgateProtocol
import LoyaltyDomain
import NIOCore

/// The browser till (issue 16): for shops with no till program. A cashier finds the card (typed,
/// or scanned into the field like a keyboard, or brought by the till PC's scanner through the
/// gateway's browser bridge), sees the customer and balances, records the sale or a redeem, and
/// reads the core's answer in words. Every sale posts a receipt number made when the form was
/// drawn, so a double click or a repost after a lost answer records nothing twice (the core's
/// idempotency on till and receipt). With the bridge, the receipt prints through the gateway.
extension WebApp {
    func tillRoutes(_ router: Router<WebContext>) {
        router.get("/till") { request, _ in
            await self.page(request) { session, language in
                // A form's GET query writes spaces as "+" ("2990+0010+0001+8"), which the
                // query parameters leave as they are.
                let typed = String(
                    (request.uri.queryParameters.get("card") ?? "").replacingOccurrences(of: "+", with: " ").prefix(32))
                return try await self.till(session, language, typed: typed)
            }
        }
        router.post("/till/earn") { request, _ in
            await self.post(request, may: .look) { session, language, fields in
                try await self.earn(session, language, fields)
            }
        }
        router.post("/till/redeem") { request, _ in
            await self.post(request, may: .look) { session, language, fields in
                try await self.redeem(session, language, fields)
            }
        }
        router.get("/static/till.js") { _, _ in Self.script(TillScripts.till) }
        router.get("/static/loyalgate-bridge.js") { _, _ in Self.script(TillScripts.bridge) }
    }

    static func script(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=3600"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// What the sale form posts as its till: the member of staff's own till, so two cashiers'
    /// receipt numbers never meet.
    static func tillName(_ session: StaffSession) -> String { "web-" + session.user }

    static func newReceipt() -> String { "W-" + SessionTable.randomToken().prefix(12) }

    /// The till page; `said` is the core's answer in words, `sale` what a receipt prints.
    func till(
        _ session: StaffSession, _ language: Language, typed: String, said: (kind: String, text: String)? = nil,
        sale: [String: String]? = nil, amount: String = "", amountProblem: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let catalog = Catalog(language)
        var values: [String: Any] = [
            "cardTyped": typed, "bridge": configuration.bridge ?? "", "printer": configuration.receiptPrinter ?? "",
            "receipt": Self.newReceipt(), "redeemReceipt": Self.newReceipt(), "amount": amount,
        ]
        var said = said
        if !typed.isEmpty {
            do {
                let number = try CardNumber(typed).digits
                let lookup = try await core.call(
                    CoreOp.CardLookup.self, .init(merchant: session.merchant, card: number))
                values.merge(accountValues(lookup.account, language)) { $1 }
                values["card"] = true
                values["number"] = number
                values["status"] = catalog.text("card.status.\(lookup.card.status.rawValue)")
                values["customerName"] = lookup.customer?.displayName ?? "-"
            } catch let refusal as LoyaltyError {
                said = said ?? ("error", refusal.message)
            } catch {
                said = said ?? ("error", catalog.text("field.card"))
            }
        }
        if let said { values["said"] = ["kind": said.kind, "text": said.text] }
        if let sale { values["sale"] = sale }
        if let amountProblem { values["amountProblem"] = amountProblem }
        var response = Self.html(try renderHTML("till", values, session: session, language: language), status: status)
        // This page alone runs script (its own, from this site) and talks to the bridge.
        let bridge = configuration.bridge.flatMap(Self.webSocketOrigin).map { " " + $0 } ?? ""
        response.headers[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'self'; connect-src 'self'\(bridge); style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        return response
    }

    /// `ws://127.0.0.1:9473` of `ws://127.0.0.1:9473/bridge`, for the page's connect-src.
    static func webSocketOrigin(_ url: String) -> String? {
        guard let parsed = URL(string: url), let scheme = parsed.scheme, ["ws", "wss"].contains(scheme),
            let host = parsed.host
        else { return nil }
        return "\(scheme)://\(host)" + (parsed.port.map { ":\($0)" } ?? "")
    }

    /// "12.80" or "12,80" as the wire's decimal string; nil when it is not an amount of money.
    static func amount(_ typed: String) -> String? {
        let text = typed.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: ".")
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), (1...8).contains(parts[0].count), parts[0].allSatisfy(\.isASCII),
            parts[0].allSatisfy(\.isNumber)
        else { return nil }
        if parts.count == 2 {
            guard (1...2).contains(parts[1].count), parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber)
            else { return nil }
        }
        return text
    }

    func earn(_ session: StaffSession, _ language: Language, _ fields: [String: String]) async throws -> Response {
        let catalog = Catalog(language)
        let card = fields["card"] ?? ""
        let receipt = String((fields["receipt"] ?? "").prefix(64))
        guard let amount = Self.amount(fields["amount"] ?? ""), !receipt.isEmpty else {
            return try await till(
                session, language, typed: card, amount: String((fields["amount"] ?? "").prefix(16)),
                amountProblem: catalog.text("till.amountInvalid"), status: .unprocessableContent)
        }
        do {
            let answer = try await core.call(
                CoreOp.TxnEarn.self,
                .init(
                    merchant: session.merchant, card: card, till: Self.tillName(session), receipt: receipt,
                    lines: [SaleLineInput(sku: "counter", amount: amount)]))
            let money = self.money(language)
            var text = catalog.text(
                "till.earned",
                [
                    "points": "\(answer.points)",
                    "discount": money.amount(answer.discount, currency: answer.account.currency),
                ])
            if answer.replayed == true { text += " " + catalog.text("till.replayed") }
            let sale = [
                "card": answer.card, "receipt": receipt, "amount": amount, "currency": answer.account.currency,
            ]
            return try await till(session, language, typed: card, said: ("notice", text), sale: sale)
        } catch let refusal as LoyaltyError {
            return try await till(
                session, language, typed: card, said: ("error", refusal.message), amount: amount,
                status: .unprocessableContent)
        }
    }

    func redeem(_ session: StaffSession, _ language: Language, _ fields: [String: String]) async throws -> Response {
        let catalog = Catalog(language)
        let card = fields["card"] ?? ""
        let receipt = String((fields["receipt"] ?? "").prefix(64))
        let points = Int64(fields["points"]?.trimmingCharacters(in: .whitespaces) ?? "")
        let discount = Self.amount(fields["discount"] ?? "")
        let total = Self.amount(fields["purchaseTotal"] ?? "")
        guard (points == nil) != (discount == nil), !receipt.isEmpty else {
            return try await till(
                session, language, typed: card, said: ("error", catalog.text("till.amountInvalid")),
                status: .unprocessableContent)
        }
        do {
            let answer = try await core.call(
                CoreOp.TxnRedeem.self,
                .init(
                    merchant: session.merchant, card: card, till: Self.tillName(session), receipt: receipt,
                    points: points, amount: discount, purchaseTotal: total))
            let money = self.money(language)
            let text = catalog.text(
                "till.redeemed",
                [
                    "points": "\(answer.redeemed?.points ?? 0)",
                    "amount": money.amount(answer.redeemed?.amount ?? "0.00", currency: answer.account.currency),
                ])
            return try await till(session, language, typed: card, said: ("notice", text))
        } catch let refusal as LoyaltyError {
            return try await till(
                session, language, typed: card, said: ("error", refusal.message), status: .unprocessableContent)
        }
    }
}
