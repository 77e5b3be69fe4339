import BackOffice
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import LoyalgateClient
import LoyalgateProtocol
import LoyaltyDomain
import Mustache
import NIOCore

extension WebApp {
    // MARK: - The frame every page runs in

    static func cookie(_ request: Request, _ name: String) -> String? {
        guard let header = request.headers[.cookie] else { return nil }
        for part in header.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces) == name {
                return String(pair[1]).trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// HttpOnly (no script reads it), Secure (never over plain HTTP, except to localhost),
    /// SameSite=Strict (no other site's page sends it), with a lifetime.
    static func setCookie(_ name: String, _ value: String, maxAge: Int) -> String {
        "\(name)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; Secure; SameSite=Strict"
    }

    func language(_ request: Request) -> Language {
        Language.preferred(acceptLanguage: request.headers[.acceptLanguage])
    }

    /// The session of the request's cookie, while its account still exists with the same
    /// password, role and merchants (`loyalgate web user remove|passwd` end it).
    func currentSession(_ request: Request) -> StaffSession? {
        guard let session = sessions.session(Self.cookie(request, Self.sessionCookie)) else { return nil }
        do { try staff.refresh() } catch {
            logger.error("staff file unreadable; keeping the last good accounts", metadata: ["error": "\(error)"])
        }
        guard let account = staff.account(named: session.user), account.passwordHash == session.passwordHash,
            account.role == session.role, account.merchants == session.merchants
        else {
            sessions.close(session.token)
            return nil
        }
        return session
    }

    /// A GET page for a signed-in member of staff whose role may do `action`.
    func page(
        _ request: Request, may action: StaffRole.Action = .look,
        _ body: (StaffSession, Language) async throws -> Response
    ) async -> Response {
        let language = self.language(request)
        guard let session = currentSession(request) else {
            return Self.redirect("/login")
        }
        do {
            guard session.role.may(action) else { throw PageStop.status(.forbidden, "error.forbidden") }
            return try await body(session, language)
        } catch {
            return failure(error, session: session, language: language)
        }
    }

    /// A POST from a form: signed in, the role allowed, the session's CSRF token in `_csrf`.
    /// Nothing reaches the core before all three hold.
    func post(
        _ request: Request, may action: StaffRole.Action,
        _ body: (StaffSession, Language, [String: String]) async throws -> Response
    ) async -> Response {
        let language = self.language(request)
        guard let session = currentSession(request) else {
            return failure(PageStop.status(.forbidden, "error.csrf"), session: nil, language: language)
        }
        do {
            let fields = try await Self.form(request)
            guard let token = fields["_csrf"], SessionTable.same(token, session.csrf) else {
                throw PageStop.status(.forbidden, "error.csrf")
            }
            guard session.role.may(action) else { throw PageStop.status(.forbidden, "error.forbidden") }
            return try await body(session, language, fields)
        } catch {
            return failure(error, session: session, language: language)
        }
    }

    static func form(_ request: Request) async throws -> [String: String] {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        return FormBody.fields(String(buffer: buffer))
    }

    static func redirect(_ location: String, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    func failure(_ error: any Error, session: StaffSession?, language: Language) -> Response {
        let catalog = Catalog(language)
        let status: HTTPResponse.Status
        let message: String
        switch error {
        case PageStop.redirect(let location): return Self.redirect(location)
        case PageStop.status(let code, let key, let values):
            status = code
            message = catalog.text(key, values)
        case let refusal as LoyaltyError:
            status = .unprocessableContent
            message = catalog.text("error.core", ["message": refusal.message])
        default:
            logger.warning("page failed", metadata: ["error": "\(error)"])
            status = .serviceUnavailable
            message = catalog.text("error.coreDown")
        }
        let html = (try? renderHTML("error", ["message": message], session: session, language: language)) ?? message
        return Self.html(html, status: status)
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func renderHTML(_ template: String, _ values: [String: Any], session: StaffSession?, language: Language) throws
        -> String
    {
        let catalog = Catalog(language)
        var context = values
        context["t"] = Dictionary(
            uniqueKeysWithValues: catalog.all.map { ($0.key.replacingOccurrences(of: ".", with: "_"), $0.value) })
        context["lang"] = language.rawValue
        if let session {
            var frame: [String: Any] = [
                "csrf": session.csrf,
                "signedInAs": catalog.text(
                    "nav.signedInAs", ["user": session.user, "role": catalog.text("role.\(session.role.rawValue)")]),
            ]
            if session.merchants.count > 1 {
                frame["switchable"] = true
                frame["merchants"] = session.merchants.map { ["code": $0, "selected": $0 == session.merchant] }
            }
            context["session"] = frame
            context["csrf"] = session.csrf
            context["mayAudit"] = session.role.may(.audit)
            context["mayExport"] = session.role.may(.exports)
            context["mayBatches"] = session.role.may(.batches)
            context["mayCampaigns"] = session.role.may(.campaigns)
            context["mayStatistics"] = session.role.may(.statistics)
            context["maySegments"] = session.role.may(.segments)
            if let notice = sessions.takeNotice(session.token) {
                // "raw": a sentence already put together from catalog texts.
                context["notice"] =
                    notice.key == "raw" ? notice.values["text"] ?? "" : catalog.text(notice.key, notice.values)
            }
        }
        guard let html = library.render(context, withTemplate: template) else {
            throw PageStop.status(.internalServerError, "error.title")
        }
        return html
    }

    func render(_ template: String, _ values: [String: Any], session: StaffSession, language: Language) throws
        -> Response
    {
        Self.html(try renderHTML(template, values, session: session, language: language))
    }

    /// A core call whose "no such card or customer" refusal is this merchant's 404: a card or
    /// customer of another merchant is not there, not forbidden (that would tell it exists).
    func coreCall<Op: WireOperation>(_ op: Op.Type, _ parameters: Op.Parameters, missing: Bool = false) async throws
        -> Op.Answer
    {
        do {
            return try await core.call(op, parameters)
        } catch let refusal as LoyaltyError {
            if missing,
                refusal.code == .unknownCard || refusal.code == .invalidCardNumber
                    || (refusal.code == .badRequest && refusal.message.hasPrefix("There is no customer"))
                    || refusal.code == .forbidden
            {
                throw PageStop.status(.notFound, "error.notFound")
            }
            throw refusal
        }
    }

    // MARK: - Signing in

    func loginPage(_ request: Request, failure: String?, user: String, status: HTTPResponse.Status = .ok) async throws
        -> Response
    {
        let language = self.language(request)
        // A double-submit token: the form's field must match this cookie, so another site
        // cannot sign a browser in to an account of its choosing.
        let token = SessionTable.randomToken()
        var values: [String: Any] = ["loginToken": token, "user": user]
        if let failure { values["failure"] = failure }
        let html = try renderHTML("login", values, session: nil, language: language)
        return Self.html(html, status: status, cookies: [Self.setCookie(Self.loginCookie, token, maxAge: 3600)])
    }

    func clientAddress(_ request: Request, _ context: WebContext) -> String {
        let peer = context.remoteAddress?.ipAddress ?? "unknown"
        if configuration.behindProxy, peer == "127.0.0.1" || peer == "::1",
            let forwarded = request.headers[.xRealIP], !forwarded.isEmpty, forwarded.count <= 64
        {
            return forwarded
        }
        return peer
    }

    func login(_ request: Request, _ context: WebContext) async throws -> Response {
        let language = self.language(request)
        let catalog = Catalog(language)
        let fields = try await Self.form(request)
        guard let token = fields["_csrf"], let cookie = Self.cookie(request, Self.loginCookie),
            SessionTable.same(token, cookie)
        else {
            return failure(PageStop.status(.forbidden, "error.csrf"), session: nil, language: language)
        }
        let user = String((fields["user"] ?? "").prefix(64))
        let password = fields["password"] ?? ""
        let address = clientAddress(request, context)
        if let wait = configuration.throttle.wait(user: user, address: address) {
            logger.warning("sign-in throttled", metadata: ["user": "\(user)", "address": "\(address)"])
            return try await loginPage(
                request, failure: catalog.text("login.throttled", ["seconds": "\(wait)"]), user: user,
                status: .tooManyRequests)
        }
        try? staff.refresh()
        guard let account = staff.verify(name: user, password: password) else {
            configuration.throttle.failed(user: user, address: address)
            logger.notice("wrong password", metadata: ["user": "\(user)", "address": "\(address)"])
            return try await loginPage(
                request, failure: catalog.text("login.failed"), user: user, status: .unauthorized)
        }
        configuration.throttle.succeeded(user: user)
        let session = sessions.open(for: account)
        logger.info("signed in", metadata: ["user": "\(user)", "address": "\(address)"])
        return Self.redirect(
            "/",
            cookies: [
                Self.setCookie(Self.sessionCookie, session.token, maxAge: Int(sessions.lifetime)),
                Self.setCookie(Self.loginCookie, "", maxAge: 0),
            ])
    }
}
