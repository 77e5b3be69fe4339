import BackOffice
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import LoyalgateProtocol
import LoyaltyDomain
import NIOCore

/// The cardholder's personal details (docs/cardholder.md): asked for from the card's page
/// (`POST /c/TOKEN/link`), reached through the mailed one-time link (`/p/LINK`: a button, since
/// a link scanner's GET must not use it up), then `/me` for 30 minutes on an HttpOnly cookie.
/// And the mails' unsubscribe route (`/mail/unsubscribe?t=TOKEN`, docs/mail.md).
extension WebApp {
    static let holderCookie = "lg_holder"

    func holderDetailsRoutes(_ router: Router<WebContext>) {
        router.post("/c/:token/link") { request, context in
            await self.askForLink(request, context)
        }
        router.get("/p/:link") { request, context in
            let language = self.language(request)
            let link = context.parameters.get("link") ?? ""
            return self.holderPage(
                "holder-open", ["merchant": "-", "action": "/p/" + Self.pathSafe(link)], language: language)
        }
        router.post("/p/:link") { request, context in
            await self.openLink(request, context)
        }
        router.get("/me") { request, _ in
            await self.details(request, consent: nil)
        }
        router.post("/me/consent") { request, _ in
            // A body that cannot be read is no answer: taken as an empty form it would turn
            // the cardholder's consent off without their asking.
            guard let fields = try? await Self.form(request) else {
                let language = self.language(request)
                return self.holderRefusal(
                    Catalog(language).text("holder.refused.form"), language: language, status: .badRequest)
            }
            return await self.details(request, consent: fields["mail"] == "on")
        }
        router.get("/me/export") { request, _ in
            await self.exportDetails(request)
        }
        router.get("/mail/unsubscribe") { request, _ in
            let language = self.language(request)
            let token = request.uri.queryParameters.get("t") ?? ""
            return self.holderPage(
                "unsubscribe", ["merchant": "-", "action": "/mail/unsubscribe?t=" + Self.pathSafe(token)],
                language: language)
        }
        router.post("/mail/unsubscribe") { request, _ in
            await self.unsubscribe(request)
        }
    }

    /// Tokens and links are base64url and dots; anything else is dropped before it reaches a
    /// page or an attribute.
    static func pathSafe(_ text: String) -> String {
        String(
            text.unicodeScalars.filter {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0))
            }.prefix(256).map(Character.init))
    }

    func holderPage(_ template: String, _ values: [String: Any], language: Language, status: HTTPResponse.Status = .ok)
        -> Response
    {
        guard let html = try? renderHTML(template, values, session: nil, language: language) else {
            return Self.html(Catalog(language).text("holder.refused.down"), status: .internalServerError)
        }
        return Self.html(html, status: status)
    }

    func holderRefusal(_ message: String, language: Language, status: HTTPResponse.Status) -> Response {
        holderPage("holder-refused", ["message": message, "merchant": "-"], language: language, status: status)
    }

    /// The same sentence whatever happened, so the page tells the holder of a card nothing of
    /// its customer (the core answers alike too).
    func askForLink(_ request: Request, _ context: WebContext) async -> Response {
        let language = self.language(request)
        let catalog = Catalog(language)
        let token = context.parameters.get("token") ?? ""
        guard configuration.holderLimit.allow(token: token, address: clientAddress(request, context)) else {
            return holderRefusal(catalog.text("holder.refused.tooMany"), language: language, status: .tooManyRequests)
        }
        do {
            _ = try await core.call(
                CoreOp.CardholderLink.self, .init(token: token, language: language.rawValue))
        } catch let refusal as LoyaltyError {
            switch refusal.code {
            case .forbidden, .badRequest: return holderRefusal(refusal.message, language: language, status: .forbidden)
            case .cardBlocked: return holderRefusal(refusal.message, language: language, status: .gone)
            case .unknownCard, .unknownMerchant, .invalidCardNumber:
                return holderRefusal(catalog.text("holder.refused.notFound"), language: language, status: .notFound)
            default:
                logger.warning("cardholder link failed", metadata: ["code": "\(refusal.code.rawValue)"])
                return holderRefusal(
                    catalog.text("holder.refused.down"), language: language, status: .serviceUnavailable)
            }
        } catch {
            logger.warning("cardholder link failed", metadata: ["error": "\(error)"])
            return holderRefusal(catalog.text("holder.refused.down"), language: language, status: .serviceUnavailable)
        }
        return holderPage(
            "holder-note",
            ["merchant": "-", "title": catalog.text("holder.details"), "message": catalog.text("holder.linkSent")],
            language: language)
    }

    func openLink(_ request: Request, _ context: WebContext) async -> Response {
        let language = self.language(request)
        let link = context.parameters.get("link") ?? ""
        guard configuration.holderLimit.allow(token: link, address: clientAddress(request, context)) else {
            return holderRefusal(
                Catalog(language).text("holder.refused.tooMany"), language: language, status: .tooManyRequests)
        }
        do {
            let opened = try await core.call(CoreOp.CardholderOpen.self, .init(link: link))
            return Self.redirect(
                "/me",
                cookies: [
                    "\(Self.holderCookie)=\(opened.session); Path=/me; Max-Age=1800; HttpOnly; Secure; SameSite=Strict"
                ])
        } catch {
            return holderFailure(error, language: language)
        }
    }

    func holderFailure(_ error: any Error, language: Language) -> Response {
        if let refusal = error as? LoyaltyError, refusal.code == .forbidden {
            return holderRefusal(refusal.message, language: language, status: .forbidden)
        }
        logger.warning("cardholder details failed", metadata: ["error": "\(error)"])
        return holderRefusal(
            Catalog(language).text("holder.refused.down"), language: language, status: .serviceUnavailable)
    }

    func details(_ request: Request, consent: Bool?) async -> Response {
        let language = self.language(request)
        let catalog = Catalog(language)
        let session = Self.cookie(request, Self.holderCookie) ?? ""
        do {
            let details = try await core.call(
                CoreOp.CardholderDetails.self, .init(session: session, consentMail: consent))
            if consent != nil { return Self.redirect("/me") }
            let money = MoneyText(language: language, timeZone: configuration.timeZone)
            let shop = ["shop": details.shop]
            let values: [String: Any] = [
                "merchant": details.merchant, "shop": details.shop, "name": details.name,
                "address": details.address ?? "", "postcode": details.postcode ?? "", "email": details.email ?? "",
                "consentMail": details.consentMail, "consentHeading": catalog.text("holder.me.consent", shop),
                "consentText": catalog.text(details.consentMail ? "holder.me.consentOn" : "holder.me.consentOff", shop),
                "ends": catalog.text("holder.me.ends", ["time": String(money.instant(details.expires).suffix(5))]),
            ]
            var response = holderPage("holder-me", values, language: language)
            response.headers[.cacheControl] = "no-store"
            return response
        } catch {
            return holderFailure(error, language: language)
        }
    }

    func exportDetails(_ request: Request) async -> Response {
        let language = self.language(request)
        let session = Self.cookie(request, Self.holderCookie) ?? ""
        do {
            let export = try await core.call(CoreOp.CardholderExport.self, .init(session: session))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let body = try encoder.encode(export)
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/json", .cacheControl: "no-store",
                    .contentDisposition: "attachment; filename=\"my-data-\(export.merchant).json\"",
                ], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        } catch {
            return holderFailure(error, language: language)
        }
    }

    /// The page's button and a mail program's one-click POST (RFC 8058: the body
    /// `List-Unsubscribe=One-Click`, no cookie) both land here.
    func unsubscribe(_ request: Request) async -> Response {
        let language = self.language(request)
        let catalog = Catalog(language)
        let token = request.uri.queryParameters.get("t") ?? ""
        do {
            _ = try await core.call(CoreOp.MailUnsubscribe.self, .init(token: token))
        } catch let refusal as LoyaltyError where refusal.code == .badRequest || refusal.code == .forbidden {
            return holderRefusal(refusal.message, language: language, status: .badRequest)
        } catch {
            return holderFailure(error, language: language)
        }
        return holderPage(
            "holder-note",
            ["merchant": "-", "title": catalog.text("unsubscribe.title"), "message": catalog.text("unsubscribe.done")],
            language: language)
    }
}
