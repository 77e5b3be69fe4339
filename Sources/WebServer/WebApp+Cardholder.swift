import BackOffice
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import LoyalgateProtocol
import LoyaltyDomain
import NIOCore

/// The cardholder's own pages (docs/cardholder.md): `/c/TOKEN` (balances, barcode, history),
/// `/w/TOKEN` (the widget a shop frames in its site) and `/api/balance/TOKEN` (the same figures
/// as JSON for the shop's site). No session: the token is the key, resolved by the core.
extension WebApp {
    func cardholderRoutes(_ router: Router<WebContext>) {
        router.get("/c/style/:file") { _, context in
            let file = context.parameters.get("file") ?? ""
            let merchant = file.hasSuffix(".css") ? String(file.dropLast(4)) : file
            var css = Templates.holderStylesheet
            let settings = self.configuration.cardholder.merchants[merchant]
            let (colour, on) = (settings?.colour ?? "#1f4e79", settings?.onColour ?? "#ffffff")
            css += "\n.shop{background:\(colour);color:\(on)}\n.button{background:\(colour);color:\(on)}\n"
            return Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: css)))
        }
        router.get("/c/logo/:file") { _, context in
            let file = context.parameters.get("file") ?? ""
            let merchant = file.hasSuffix(".png") ? String(file.dropLast(4)) : file
            guard let logo = self.configuration.cardholder.merchants[merchant]?.logo else {
                return Response(status: .notFound)
            }
            return Response(
                status: .ok, headers: [.contentType: "image/png", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(bytes: logo)))
        }
        router.get("/c/:token") { request, context in
            await self.holderPage(request, context, template: "holder")
        }
        router.get("/w/:token") { request, context in
            await self.holderPage(request, context, template: "widget")
        }
        router.get("/api/balance/:token") { request, context in
            await self.balanceJSON(request, context)
        }
    }

    /// The core's view of a token, after the rate limit; or the refusal's status and sentence.
    func resolve(_ request: Request, _ context: WebContext, language: Language, token given: String? = nil) async
        -> Result<CardholderViewAnswer, HolderRefusal>
    {
        let token = given ?? context.parameters.get("token") ?? ""
        let catalog = Catalog(language)
        guard configuration.holderLimit.allow(token: token, address: clientAddress(request, context)) else {
            return .failure(HolderRefusal(status: .tooManyRequests, message: catalog.text("holder.refused.tooMany")))
        }
        do {
            return .success(try await core.call(CoreOp.CardholderView.self, .init(token: token)))
        } catch let refusal as LoyaltyError {
            // The core's sentences are written for the cardholder (English); the page's own
            // language is used where the page knows the case.
            switch refusal.code {
            case .forbidden, .badRequest:
                return .failure(HolderRefusal(status: .forbidden, message: refusal.message))
            case .cardBlocked: return .failure(HolderRefusal(status: .gone, message: refusal.message))
            case .unknownCard, .unknownMerchant, .invalidCardNumber:
                return .failure(HolderRefusal(status: .notFound, message: catalog.text("holder.refused.notFound")))
            default:
                logger.warning("cardholder view failed", metadata: ["code": "\(refusal.code.rawValue)"])
                return .failure(
                    HolderRefusal(status: .serviceUnavailable, message: catalog.text("holder.refused.down")))
            }
        } catch {
            logger.warning("cardholder view failed", metadata: ["error": "\(error)"])
            return .failure(HolderRefusal(status: .serviceUnavailable, message: catalog.text("holder.refused.down")))
        }
    }

    struct HolderRefusal: Error {
        var status: HTTPResponse.Status
        var message: String
    }

    func holderPage(_ request: Request, _ context: WebContext, template: String) async -> Response {
        let language = self.language(request)
        let view: CardholderViewAnswer
        switch await resolve(request, context, language: language) {
        case .failure(let refusal):
            let html =
                (try? renderHTML(
                    "holder-refused", ["message": refusal.message, "merchant": "-"], session: nil, language: language))
                ?? refusal.message
            return Self.html(html, status: refusal.status)
        case .success(let answer): view = answer
        }
        let token = context.parameters.get("token") ?? ""
        let values = holderValues(view, token: token, language: language)
        guard let html = try? renderHTML(template, values, session: nil, language: language) else {
            return Self.html(Catalog(language).text("holder.refused.down"), status: .internalServerError)
        }
        var response = Self.html(html)
        if template == "widget" {
            // Framed only by the merchant's own sites; nowhere when none are configured.
            let sites = configuration.cardholder.merchants[view.merchant]?.sites ?? []
            response.headers[.contentSecurityPolicy] =
                "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors "
                + (sites.isEmpty ? "'none'" : sites.joined(separator: " "))
        }
        return response
    }

    func holderValues(_ view: CardholderViewAnswer, token: String, language: Language) -> [String: Any] {
        let catalog = Catalog(language)
        let money = MoneyText(language: language, timeZone: configuration.timeZone)
        let currency = view.account.currency
        func amount(_ text: String) -> String {
            money.amount(text.hasPrefix("-") ? String(text.dropFirst()) : text, currency: currency)
        }
        func isZero(_ text: String?) -> Bool { text.map { $0.allSatisfy { "0.-".contains($0) } } ?? true }
        var values: [String: Any] = [
            "merchant": view.merchant, "shop": view.shop, "heading": catalog.text("holder.title", ["shop": view.shop]),
            "points": "\(view.account.points)", "number": view.card, "token": token,
            "expires": catalog.text("holder.expires", ["date": String(money.instant(view.expires).prefix(10))]),
        ]
        if let end = view.programEnds { values["programEnds"] = catalog.text("holder.programEnds", ["date": end]) }
        let settings = configuration.cardholder.merchants[view.merchant]
        if settings?.logo != nil { values["logo"] = true }
        // The wallet buttons only for a merchant whose keys are configured (and, for Apple, a
        // logo: Wallet needs an icon).
        if settings?.apple != nil, settings?.logo != nil { values["apple"] = "/wallet/apple/" + token }
        if settings?.google != nil { values["google"] = "/wallet/google/" + token }
        if values["apple"] != nil || values["google"] != nil { values["wallet"] = true }
        if !isZero(view.account.balance) { values["discount"] = amount(view.account.balance) }
        if let prepaid = view.account.prepaid { values["prepaid"] = amount(prepaid) }
        if let card = view.stampCard {
            values["stamps"] = catalog.text(
                "holder.stampsOf", ["stamps": "\(card.stamps)", "needed": "\(card.needed)"])
        } else if let stamps = view.account.stamps {
            values["stamps"] = "\(stamps)"
        }
        values["barcode"] = BarcodeSVG.svg(.ean13, view.card, label: catalog.text("holder.number") + " " + view.card)
        values["entries"] = view.entries.map { entry -> [String: String] in
            [
                "reason": reason(entry, shop: view.shop, catalog: catalog, amount: amount),
                "when": money.instant(entry.at),
            ]
        }
        // Rewards within reach: those the points buy now, and the next three beyond.
        let now = view.rewards.filter { $0.points <= view.account.points }
        let next = view.rewards.filter { $0.points > view.account.points }.prefix(3)
        let rewards =
            now.map {
                ["name": $0.name, "points": "\($0.points)", "now": true, "state": catalog.text("holder.rewardNow")]
            }
            + next.map {
                [
                    "name": $0.name, "points": "\($0.points)", "now": false,
                    "state": catalog.text("holder.rewardToGo", ["points": "\($0.points - view.account.points)"]),
                ] as [String: Any]
            }
        values["rewards"] = rewards
        values["hasRewards"] = !rewards.isEmpty
        let vouchers = view.vouchers.filter { $0.state == "valid" }.map { voucher -> [String: String] in
            var what = voucher.name.map { catalog.text("holder.voucherItem", ["name": $0]) } ?? voucher.code
            if let value = voucher.amount, !isZero(value) {
                what = catalog.text("holder.voucherAmount", ["amount": amount(value)])
            } else if let percent = voucher.percent {
                what = catalog.text("holder.voucherPercent", ["percent": percent])
            }
            var row = ["what": what, "code": voucher.code]
            if let until = voucher.validUntil { row["until"] = catalog.text("holder.voucherUntil", ["date": until]) }
            return row
        }
        values["vouchers"] = vouchers
        values["hasVouchers"] = !vouchers.isEmpty
        return values
    }

    /// The entry in plain words: "12 points for your purchase at Apotheek De Linde".
    func reason(_ entry: CardholderEntry, shop: String, catalog: Catalog, amount: (String) -> String) -> String {
        let figures = [
            "shop": shop, "points": "\(abs(entry.points))", "amount": amount(entry.amount),
            "prepaid": entry.prepaid.map(amount) ?? "", "stamps": "\(abs(entry.stamps ?? 0))",
        ]
        if entry.kind == "earn" {
            var pieces: [String] = []
            if entry.points != 0 { pieces.append(catalog.text("holder.piece.points", figures)) }
            if let stamps = entry.stamps, stamps != 0 { pieces.append(catalog.text("holder.piece.stamps", figures)) }
            if entry.amount.contains(where: { "123456789".contains($0) }) {
                pieces.append(catalog.text("holder.piece.discount", figures))
            }
            if pieces.isEmpty { pieces.append(catalog.text("holder.piece.points", figures)) }
            return catalog.text(
                "holder.entry.earn",
                figures.merging(["what": pieces.joined(separator: catalog.text("holder.and"))]) {
                    $1
                })
        }
        let key = "holder.entry.\(entry.kind)"
        let text = catalog.text(key, figures)
        if text != key { return text }
        let general = catalog.text("history.\(entry.kind)")
        return general == "history.\(entry.kind)" ? entry.kind : general
    }

    /// The figures for the merchant's own site: CORS only for its configured origins, so
    /// another site's script cannot read a balance whose link it got hold of.
    func balanceJSON(_ request: Request, _ context: WebContext) async -> Response {
        let language = self.language(request)
        var headers: HTTPFields = [.contentType: "application/json", .vary: "Origin"]
        let view: CardholderViewAnswer
        switch await resolve(request, context, language: language) {
        case .failure(let refusal):
            let body = (try? JSONEncoder().encode(["error": refusal.message])) ?? Data()
            return Response(status: refusal.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        case .success(let answer): view = answer
        }
        let sites = configuration.cardholder.merchants[view.merchant]?.sites ?? []
        if let origin = request.headers[.origin], sites.contains(origin.lowercased()) {
            headers[.accessControlAllowOrigin] = origin
        }
        let balance = BalanceJSON(
            shop: view.shop, currency: view.account.currency, points: view.account.points,
            discount: view.account.balance, prepaid: view.account.prepaid,
            stamps: view.stampCard?.stamps ?? view.account.stamps, expires: view.expires, programEnds: view.programEnds)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = (try? encoder.encode(balance)) ?? Data()
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    struct BalanceJSON: Encodable {
        var shop: String
        var currency: String
        var points: Int64
        var discount: String
        var prepaid: String?
        var stamps: Int64?
        var expires: String
        /// The program's announced last day, when one is announced.
        var programEnds: String?
    }
}

/// How often a token, or an address, may be resolved: a guessed or leaked link cannot be
/// tried or polled at speed. Counts in windows of a minute from each key's first request, in
/// memory.
public final class HolderRateLimit: @unchecked Sendable {
    let perToken: Int
    let perAddress: Int
    private let lock = NSLock()
    private var counts: [String: (start: Date, count: Int)] = [:]

    public init(perToken: Int = 30, perAddress: Int = 60) {
        self.perToken = perToken
        self.perAddress = perAddress
    }

    func allow(token: String, address: String, now: Date = Date()) -> Bool {
        lock.withLock {
            if counts.count > 50_000 { counts = counts.filter { now.timeIntervalSince($0.value.start) < 60 } }
            var allowed = true
            for (key, limit) in [("t:" + String(token.prefix(128)), perToken), ("a:" + address, perAddress)] {
                var entry = counts[key] ?? (now, 0)
                if now.timeIntervalSince(entry.start) >= 60 { entry = (now, 0) }
                entry.count += 1
                counts[key] = entry
                if entry.count > limit { allowed = false }
            }
            return allowed
        }
    }
}
