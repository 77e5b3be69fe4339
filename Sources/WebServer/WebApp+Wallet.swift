import BackOffice
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import LoyalgateProtocol
import NIOCore
import WalletPasses

/// The card in the phone's wallet (docs/cardholder.md): Apple's signed `.pkpass` and its pass
/// web service (Apple's "Wallet web service" paths under `/wallet/v1`), and the "Save to Google
/// Wallet" link. Both only for merchants whose keys are configured in cardholder.json.
extension WebApp {
    func walletRoutes(_ router: Router<WebContext>) {
        router.get("/wallet/apple/:token") { request, context in
            let language = self.language(request)
            let view: CardholderViewAnswer
            switch await self.resolve(request, context, language: language) {
            case .failure(let refusal): return self.refusalPage(refusal, language: language)
            case .success(let answer): view = answer
            }
            guard let signer = self.configuration.cardholder.merchants[view.merchant]?.apple else {
                return Response(status: .notFound)
            }
            let token = context.parameters.get("token") ?? ""
            return self.passResponse(view, signer: signer, token: token, language: language)
        }
        router.get("/wallet/google/:token") { request, context in
            let language = self.language(request)
            let view: CardholderViewAnswer
            switch await self.resolve(request, context, language: language) {
            case .failure(let refusal): return self.refusalPage(refusal, language: language)
            case .success(let answer): view = answer
            }
            let settings = self.configuration.cardholder.merchants[view.merchant]
            guard let signer = settings?.google,
                let jwt = try? signer.saveJWT(
                    object: self.googleObject(view, signer: signer, language: language), origins: settings?.sites ?? [])
            else { return Response(status: .notFound) }
            return Self.redirect("https://pay.google.com/gp/v/save/" + jwt)
        }
        // Apple's pass web service. A device registers a pass to be told of its changes.
        router.post("/wallet/v1/devices/:device/registrations/:passType/:serial") { request, context in
            let (device, passType, serial) = (
                context.parameters.get("device") ?? "", context.parameters.get("passType") ?? "",
                context.parameters.get("serial") ?? ""
            )
            guard let (token, view) = await self.authorizedPass(request, context, passType: passType, serial: serial)
            else { return Response(status: .unauthorized) }
            let body = try await request.body.collect(upTo: 16 * 1024)
            struct Registration: Decodable { var pushToken: String }
            guard
                let registration = try? JSONDecoder().decode(Registration.self, from: Data(String(buffer: body).utf8)),
                !registration.pushToken.isEmpty, registration.pushToken.count <= 256, device.count <= 256
            else { return Response(status: .badRequest) }
            let new = self.registrations.register(
                device: device, passType: passType, serial: serial, pushToken: registration.pushToken, token: token)
            // What the device's pass shows now (it was made moments ago): the watcher pushes
            // only when the figures move from here.
            self.registrations.note(passType: passType, serial: serial, fingerprint: Self.fingerprint(view), token: nil)
            return Response(status: new ? .created : .ok)
        }
        router.delete("/wallet/v1/devices/:device/registrations/:passType/:serial") { request, context in
            let (device, passType, serial) = (
                context.parameters.get("device") ?? "", context.parameters.get("passType") ?? "",
                context.parameters.get("serial") ?? ""
            )
            guard await self.authorizedPass(request, context, passType: passType, serial: serial) != nil else {
                return Response(status: .unauthorized)
            }
            self.registrations.unregister(device: device, passType: passType, serial: serial)
            return Response(status: .ok)
        }
        // The serials of a device's passes changed since the tag it last got.
        router.get("/wallet/v1/devices/:device/registrations/:passType") { request, context in
            let (device, passType) = (context.parameters.get("device") ?? "", context.parameters.get("passType") ?? "")
            let since = request.uri.queryParameters.get("passesUpdatedSince").flatMap { Int64($0) } ?? -1
            var updated: [String] = []
            var latest: Int64 = since
            for serial in self.registrations.serials(device: device, passType: passType) {
                guard let pass = self.registrations.pass(passType: passType, serial: serial) else { continue }
                // The card's figures now: a change since the last look is dated now.
                var stamp = pass.updated
                if case .success(let view) = await self.resolve(
                    request, context, language: self.language(request), token: pass.token)
                {
                    stamp =
                        self.registrations.note(
                            passType: passType, serial: serial, fingerprint: Self.fingerprint(view), token: nil
                        ).updated
                }
                if stamp > since { updated.append(serial) }
                latest = max(latest, stamp)
            }
            guard !updated.isEmpty else { return Response(status: .noContent) }
            let body = try JSONSerialization.data(
                withJSONObject: ["serialNumbers": updated, "lastUpdated": String(latest)], options: [.sortedKeys])
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        // The latest version of a pass, with Last-Modified.
        router.get("/wallet/v1/passes/:passType/:serial") { request, context in
            let (passType, serial) = (context.parameters.get("passType") ?? "", context.parameters.get("serial") ?? "")
            guard let (token, view) = await self.authorizedPass(request, context, passType: passType, serial: serial),
                let signer = self.configuration.cardholder.merchants[view.merchant]?.apple
            else { return Response(status: .unauthorized) }
            let stamp = self.registrations.note(
                passType: passType, serial: serial, fingerprint: Self.fingerprint(view), token: token
            ).updated
            let modified = Date(timeIntervalSince1970: TimeInterval(stamp / 1000))
            if let since = request.headers[.ifModifiedSince].flatMap(Self.httpDate), since >= modified {
                return Response(status: .notModified)
            }
            var response = self.passResponse(view, signer: signer, token: token, language: self.language(request))
            response.headers[.lastModified] = Self.httpDate(modified)
            return response
        }
        router.post("/wallet/v1/log") { request, _ in
            let body = try await request.body.collect(upTo: 64 * 1024)
            self.logger.notice("Apple Wallet log", metadata: ["logs": "\(String(buffer: body).prefix(2000))"])
            return Response(status: .ok)
        }
    }

    /// The pass a request's `Authorization: ApplePass TOKEN` opens, if it is this serial's and
    /// this pass type's: the authentication token is the card's own token, checked by the core.
    func authorizedPass(_ request: Request, _ context: WebContext, passType: String, serial: String) async -> (
        String, CardholderViewAnswer
    )? {
        guard let header = request.headers[.authorization], header.hasPrefix("ApplePass ") else { return nil }
        let token = String(header.dropFirst("ApplePass ".count))
        guard case .success(let view) = await resolve(request, context, language: .english, token: token),
            view.card == serial,
            configuration.cardholder.merchants[view.merchant]?.apple?.passTypeIdentifier == passType
        else { return nil }
        return (token, view)
    }

    static func fingerprint(_ view: CardholderViewAnswer) -> String {
        "\(view.account.points)|\(view.account.balance)|\(view.account.prepaid ?? "")|\(view.stampCard?.stamps ?? view.account.stamps ?? 0)|\(view.vouchers.count)"
    }

    func refusalPage(_ refusal: HolderRefusal, language: Language) -> Response {
        let html =
            (try? renderHTML(
                "holder-refused", ["message": refusal.message, "merchant": "-"], session: nil, language: language))
            ?? refusal.message
        return Self.html(html, status: refusal.status)
    }

    func passResponse(_ view: CardholderViewAnswer, signer: ApplePassSigner, token: String, language: Language)
        -> Response
    {
        let settings = configuration.cardholder.merchants[view.merchant]
        var images: [String: [UInt8]] = [:]
        if let logo = settings?.logo {
            for name in ["icon.png", "icon@2x.png", "logo.png", "logo@2x.png"] { images[name] = logo }
        }
        do {
            let pass = try passJSON(view, signer: signer, token: token, language: language)
            let bytes = try signer.package(passJSON: pass, images: images)
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/vnd.apple.pkpass",
                    .contentDisposition: "attachment; filename=\"\(view.merchant)-card.pkpass\"",
                ], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        } catch {
            logger.error("the wallet pass could not be signed", metadata: ["error": "\(error)"])
            return Response(status: .internalServerError)
        }
    }

    /// pass.json as a store card (Apple's PassKit Package Format Reference): the barcode (Code
    /// 128: Wallet draws no EAN-13), the balances, the shop's colours; the web service for updates.
    func passJSON(_ view: CardholderViewAnswer, signer: ApplePassSigner, token: String, language: Language) throws
        -> [UInt8]
    {
        let catalog = Catalog(language)
        let settings = configuration.cardholder.merchants[view.merchant]
        var secondary: [[String: Any]] = [
            [
                "key": "discount", "label": catalog.text("holder.discount"),
                "value": Double(view.account.balance) ?? 0, "currencyCode": view.account.currency,
            ]
        ]
        if let prepaid = view.account.prepaid {
            secondary.append([
                "key": "prepaid", "label": catalog.text("holder.prepaid"), "value": Double(prepaid) ?? 0,
                "currencyCode": view.account.currency,
            ])
        }
        if let stamps = view.stampCard?.stamps ?? view.account.stamps {
            secondary.append(["key": "stamps", "label": catalog.text("holder.stamps"), "value": stamps])
        }
        let barcode: [String: Any] = [
            "format": "PKBarcodeFormatCode128", "message": view.card, "messageEncoding": "iso-8859-1",
            "altText": view.card,
        ]
        var pass: [String: Any] = [
            "formatVersion": 1, "passTypeIdentifier": signer.passTypeIdentifier, "serialNumber": view.card,
            "teamIdentifier": signer.teamIdentifier, "organizationName": view.shop,
            "description": catalog.text("holder.title", ["shop": view.shop]), "logoText": view.shop,
            "backgroundColor": Self.rgb(settings?.colour ?? "#1f4e79"),
            "foregroundColor": Self.rgb(settings?.onColour ?? "#ffffff"),
            "labelColor": Self.rgb(settings?.onColour ?? "#ffffff"),
            "barcodes": [barcode], "barcode": barcode,
            "storeCard": [
                "primaryFields": [
                    ["key": "points", "label": catalog.text("holder.points"), "value": view.account.points]
                ],
                "secondaryFields": secondary,
            ] as [String: Any],
        ]
        if let base = configuration.cardholder.publicURL {
            let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
            pass["webServiceURL"] = trimmed + "/wallet"
            pass["authenticationToken"] = token
            pass["storeCard"] =
                [
                    "primaryFields": [
                        ["key": "points", "label": catalog.text("holder.points"), "value": view.account.points]
                    ],
                    "secondaryFields": secondary,
                    "backFields": [
                        ["key": "page", "label": catalog.text("holder.open"), "value": trimmed + "/c/" + token]
                    ],
                ] as [String: Any]
        }
        return Array(try JSONSerialization.data(withJSONObject: pass, options: [.sortedKeys]))
    }

    /// Google's loyaltyObject (Google Wallet API): the card number as barcode and account id,
    /// the points and the discount; the class (the program's look) is the merchant's, made once
    /// in Google's console.
    func googleObject(_ view: CardholderViewAnswer, signer: GoogleWalletSigner, language: Language) -> [String: Any] {
        let catalog = Catalog(language)
        let parts = view.account.balance.split(separator: ".")
        let whole = Int64(parts.first ?? "0") ?? 0
        let fraction = parts.count > 1 ? String(parts[1]).padding(toLength: 6, withPad: "0", startingAt: 0) : "0"
        let micros = whole.multipliedReportingOverflow(by: 1_000_000)
        return [
            "id": "\(signer.issuerID).\(view.merchant)-\(view.card)",
            "classId": "\(signer.issuerID).\(signer.classSuffix)", "state": "ACTIVE", "accountId": view.card,
            "barcode": ["type": "CODE_128", "value": view.card, "alternateText": view.card],
            "loyaltyPoints": ["label": catalog.text("holder.points"), "balance": ["int": view.account.points]],
            "secondaryLoyaltyPoints": [
                "label": catalog.text("holder.discount"),
                "balance": [
                    "money": [
                        "micros": micros.overflow ? 0 : micros.partialValue + (Int64(fraction) ?? 0),
                        "currencyCode": view.account.currency,
                    ]
                ],
            ],
        ]
    }

    static func rgb(_ hex: String) -> String {
        let digits = hex.hasPrefix("#") ? String(hex.dropFirst()) : hex
        guard digits.count == 6, let value = UInt32(digits, radix: 16) else { return "rgb(0,0,0)" }
        return "rgb(\((value >> 16) & 0xFF),\((value >> 8) & 0xFF),\(value & 0xFF))"
    }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text)
    }
}
