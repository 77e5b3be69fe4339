import BackOffice
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import LoyalgateProtocol
import LoyaltyDomain
import Mustache
import NIOCore
import NIOSSL
import WalletPasses

/// How `loyalgate web` runs.
public struct WebConfiguration: Sendable {
    public var coreSocket: String
    public var host: String
    public var port: Int
    /// PEM certificate chain and key; nil serves plain HTTP (loopback only, checked by the command).
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// The web's own folder: staff.json.
    public var stateFolder: String
    /// The merchant's time zone for dates on the pages.
    public var timeZone: TimeZone
    /// Behind a reverse proxy on this machine: the client's address for the login throttle is
    /// the proxy's `X-Real-IP`, believed only from a loopback peer.
    public var behindProxy: Bool
    /// The login throttle's free tries and first wait (tests shorten nothing: defaults are the product's).
    public var throttle: LoginThrottle
    /// The till PC gateway's browser bridge (`ws://127.0.0.1:9473/bridge`) the till page connects
    /// to for scans and receipts; nil: the till page works with typed card numbers only.
    public var bridge: String?
    /// The gateway's receipt printer the till page prints on (its id in the gateway configuration).
    public var receiptPrinter: String?
    /// The cardholder pages' merchants: designs, the widget's sites (docs/cardholder.md).
    public var cardholder: CardholderSettings
    /// Resolutions of cardholder tokens per minute, per token and per address.
    public var holderLimit: HolderRateLimit
    /// Where a changed Apple Wallet pass is announced (APNs); nil: logged (docs/cardholder.md).
    public var push: (any PassPushing)?

    public init(
        coreSocket: String, host: String, port: Int, tlsCertificate: String? = nil, tlsKey: String? = nil,
        stateFolder: String, timeZone: TimeZone = .current, behindProxy: Bool = false,
        throttle: LoginThrottle = LoginThrottle(), bridge: String? = nil, receiptPrinter: String? = nil,
        cardholder: CardholderSettings = CardholderSettings(), holderLimit: HolderRateLimit = HolderRateLimit(),
        push: (any PassPushing)? = nil
    ) {
        self.push = push
        self.cardholder = cardholder
        self.holderLimit = holderLimit
        self.bridge = bridge
        self.receiptPrinter = receiptPrinter
        self.coreSocket = coreSocket
        self.host = host
        self.port = port
        self.tlsCertificate = tlsCertificate
        self.tlsKey = tlsKey
        self.stateFolder = stateFolder
        self.timeZone = timeZone
        self.behindProxy = behindProxy
        self.throttle = throttle
    }
}

/// What a handler stops with: a redirect, or a status with a catalog key shown on the error page.
enum PageStop: Error {
    case redirect(String)
    case status(HTTPResponse.Status, String, [String: String] = [:])
}

/// The back office's server: every route checks the session, the role and (through the core,
/// by passing the session's merchant on every op) the merchant.
public struct WebApp: Sendable {
    let configuration: WebConfiguration
    let staff: StaffAccounts
    let sessions: SessionTable
    let core: CorePool
    let library: MustacheLibrary
    let logger: Logger
    /// The devices holding Apple Wallet passes, in the web's state folder.
    let registrations: PassRegistrations
    let push: any PassPushing

    static let sessionCookie = "lg_session"
    static let loginCookie = "lg_login"

    public init(configuration: WebConfiguration, staff: StaffAccounts, logger: Logger) throws {
        self.configuration = configuration
        self.staff = staff
        self.sessions = SessionTable()
        self.core = CorePool(socket: configuration.coreSocket)
        self.logger = logger
        self.registrations = PassRegistrations(path: configuration.stateFolder + "/wallet-registrations.json")
        self.push = configuration.push ?? LoggedPush(logger: logger)
        var library = MustacheLibrary()
        for (name, text) in Templates.all { try library.register(text, named: name) }
        self.library = library
    }

    /// The Hummingbird application, ready for a ServiceGroup.
    public func application() throws -> some ApplicationProtocol {
        let router = Router(context: WebContext.self)
        router.add(middleware: SecurityHeaders(tls: configuration.tlsCertificate != nil))
        routes(router)
        let server: HTTPServerBuilder
        if let certificate = configuration.tlsCertificate, let key = configuration.tlsKey {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            let tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            server = try .tls(.http1(), tlsConfiguration: tls)
        } else {
            server = .http1()
        }
        return Application(
            router: router, server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            logger: logger)
    }

    // MARK: - Routes

    func routes(_ router: Router<WebContext>) {
        router.get("/static/style.css") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: Templates.stylesheet)))
        }
        tillRoutes(router)
        cardholderRoutes(router)
        holderDetailsRoutes(router)
        walletRoutes(router)
        rewardRoutes(router)
        campaignRoutes(router)
        batchRoutes(router)
        statisticsRoutes(router)
        router.get("/login") { request, _ in try await self.loginPage(request, failure: nil, user: "") }
        router.post("/login") { request, context in try await self.login(request, context) }
        router.post("/logout") { request, _ in
            await self.post(request, may: .look) { session, _, _ in
                self.sessions.close(session.token)
                return Self.redirect("/login", cookies: [Self.setCookie(Self.sessionCookie, "", maxAge: 0)])
            }
        }
        router.post("/merchant") { request, _ in
            await self.post(request, may: .look) { session, _, fields in
                guard let merchant = fields["merchant"], self.sessions.switchMerchant(session.token, to: merchant)
                else {
                    throw PageStop.status(.forbidden, "error.forbidden")
                }
                throw PageStop.redirect("/")
            }
        }
        router.get("/") { request, _ in
            await self.page(request) { session, language in try await self.dashboard(session, language) }
        }
        router.get("/customers") { request, _ in
            await self.page(request) { session, language in try await self.customers(request, session, language) }
        }
        router.get("/customers/new") { request, _ in
            await self.page(request, may: .register) { session, language in
                try self.customerForm(session, language, form: CustomerForm(), problems: [:], id: nil)
            }
        }
        router.post("/customers") { request, _ in
            await self.post(request, may: .register) { session, language, fields in
                try await self.register(session, language, fields)
            }
        }
        router.get("/customers/:id") { request, context in
            await self.page(request) { session, language in
                try await self.customer(session, language, id: try Self.id(context))
            }
        }
        router.get("/customers/:id/edit") { request, context in
            await self.page(request, may: .edit) { session, language in
                let id = try Self.id(context)
                let record = try await self.coreCall(
                    CoreOp.CustomerGet.self, .init(merchant: session.merchant, customer: id), missing: true)
                guard record.erasedAt == nil else { throw PageStop.status(.notFound, "error.notFound") }
                let form = CustomerForm(
                    record: record.details, consents: record.consents.mail, record.consents.profiling)
                return try self.customerForm(session, language, form: form, problems: [:], id: id)
            }
        }
        router.post("/customers/:id") { request, context in
            await self.post(request, may: .edit) { session, language, fields in
                try await self.update(session, language, id: try Self.id(context), fields)
            }
        }
        router.get("/customers/:id/erase") { request, context in
            await self.page(request, may: .erase) { session, language in
                let id = try Self.id(context)
                let record = try await self.coreCall(
                    CoreOp.CustomerGet.self, .init(merchant: session.merchant, customer: id), missing: true)
                let catalog = Catalog(language)
                return try self.render(
                    "erase",
                    [
                        "id": "\(id)",
                        "heading": catalog.text("customer.erase.title", ["name": record.details?.name ?? "\(id)"]),
                    ], session: session, language: language)
            }
        }
        router.post("/customers/:id/erase") { request, context in
            await self.post(request, may: .erase) { session, _, _ in
                let id = try Self.id(context)
                _ = try await self.coreCall(
                    CoreOp.CustomerErase.self, .init(merchant: session.merchant, customer: id), missing: true)
                await self.audit(session, "customer.erase", subject: "customer:\(id)")
                self.sessions.setNotice(session.token, key: "customer.erased")
                throw PageStop.redirect("/customers/\(id)")
            }
        }
        router.post("/customers/:id/export") { request, context in
            await self.post(request, may: .exportCustomer) { session, _, _ in
                let id = try Self.id(context)
                let export = try await self.coreCall(
                    CoreOp.CustomerExport.self, .init(merchant: session.merchant, customer: id), missing: true)
                await self.audit(session, "customer.export", subject: "customer:\(id)")
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                return Response(
                    status: .ok,
                    headers: [
                        .contentType: "application/json",
                        .contentDisposition: "attachment; filename=\"customer-\(id).json\"",
                    ], body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(export))))
            }
        }
        router.get("/programs") { request, _ in
            await self.page(request) { session, language in try await self.programs(session, language) }
        }
        router.post("/programs") { request, _ in await self.uploadProgram(request) }
        router.post("/programs/end") { request, _ in await self.announceEnd(request) }
        router.get("/exports") { request, _ in
            await self.page(request, may: .exports) { session, language in try self.exportsPage(session, language) }
        }
        router.post("/exports/:file") { request, context in
            await self.post(request, may: .exports) { session, _, _ in
                try await self.export(session, file: context.parameters.get("file") ?? "")
            }
        }
        router.get("/audit") { request, _ in
            await self.page(request, may: .audit) { session, language in try await self.auditPage(session, language) }
        }
        router.get("/cards/:number") { request, context in
            await self.page(request) { session, language in
                try await self.card(
                    session, language, number: try Self.cardNumber(context), newCard: "", newCardProblem: nil)
            }
        }
        router.post("/cards/:number/activate") { request, context in
            await self.post(request, may: .cardLife) { session, _, _ in
                let number = try Self.cardNumber(context)
                _ = try await self.coreCall(
                    CoreOp.CardActivate.self, .init(merchant: session.merchant, card: number), missing: true)
                await self.audit(session, "card.activate", subject: number)
                self.sessions.setNotice(session.token, key: "card.activated")
                throw PageStop.redirect("/cards/\(number)")
            }
        }
        router.post("/cards/:number/block") { request, context in
            await self.post(request, may: .cardLife) { session, _, fields in
                let number = try Self.cardNumber(context)
                let reason = fields["reason"].flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
                _ = try await self.coreCall(
                    CoreOp.CardBlock.self, .init(merchant: session.merchant, card: number, reason: reason),
                    missing: true)
                await self.audit(session, "card.block", subject: number, detail: reason)
                self.sessions.setNotice(session.token, key: "card.blocked")
                throw PageStop.redirect("/cards/\(number)")
            }
        }
        router.post("/cards/:number/membership") { request, context in
            await self.post(request, may: .cardLife) { session, _, fields in
                let number = try Self.cardNumber(context)
                let member = fields["member"] == "yes"
                _ = try await self.coreCall(
                    CoreOp.MembershipSet.self, .init(merchant: session.merchant, card: number, member: member),
                    missing: true)
                await self.audit(session, "membership.set", subject: number, detail: member ? "member" : "not a member")
                self.sessions.setNotice(session.token, key: member ? "card.memberNow" : "card.memberNoMore")
                throw PageStop.redirect("/cards/\(number)")
            }
        }
        router.post("/cards/:number/pool") { request, context in
            await self.post(request, may: .cardLife) { session, language, fields in
                let number = try Self.cardNumber(context)
                let typed = (fields["into"] ?? "").filter { !$0.isWhitespace }
                guard let into = try? CardNumber(typed) else {
                    return try await self.card(
                        session, language, number: number, newCard: "", newCardProblem: nil,
                        poolProblem: Catalog(language).text("field.card"), poolInto: String(typed.prefix(32)))
                }
                let answer: HouseholdAnswer
                do {
                    answer = try await self.core.call(
                        CoreOp.AccountPool.self, .init(merchant: session.merchant, card: number, into: into.digits))
                } catch let refusal as LoyaltyError {
                    return try await self.card(
                        session, language, number: number, newCard: "", newCardProblem: nil,
                        poolProblem: Catalog(language).text("error.core", ["message": refusal.message]),
                        poolInto: into.digits)
                }
                await self.audit(session, "account.pool", subject: number, detail: "into \(into.digits)")
                self.sessions.setNotice(
                    session.token, key: "card.pooled",
                    values: ["cards": answer.cards.map(\.number).joined(separator: ", ")])
                throw PageStop.redirect("/cards/\(number)")
            }
        }
        router.post("/cards/:number/split") { request, context in
            await self.post(request, may: .cardLife) { session, language, fields in
                try await self.split(session, language, number: try Self.cardNumber(context), fields)
            }
        }
        router.post("/cards/:number/replace") { request, context in
            await self.post(request, may: .cardLife) { session, language, fields in
                try await self.replace(session, language, number: try Self.cardNumber(context), fields)
            }
        }
    }

    static func id(_ context: WebContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw PageStop.status(.notFound, "error.notFound")
        }
        return id
    }

    static func cardNumber(_ context: WebContext) throws -> String {
        guard let text = context.parameters.get("number"), text.count == 13, text.allSatisfy(\.isASCII),
            text.allSatisfy(\.isNumber)
        else { throw PageStop.status(.notFound, "error.notFound") }
        return text
    }
}
