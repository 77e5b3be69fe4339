import CardDesign
import Foundation
import LoyaltyDomain

/// The texts of the mails, HTML and plain, in the customer's language where it is known (the
/// language of the page they asked from), else the shop's; the HTML in the shop's house style:
/// its brand colour and logo from its card design (docs/mail.md).
public enum MailTemplates {
    public struct Content: Sendable, Hashable {
        public var subject: String
        public var text: String
        public var html: String
    }

    /// What a mail says beyond its kind: the one-time link, the program's end date.
    public struct Facts: Sendable {
        public var link: URL?
        public var endDate: String?
        public init(link: URL? = nil, endDate: String? = nil) {
            self.link = link
            self.endDate = endDate
        }
    }

    struct Wording {
        var welcomeSubject: String
        var welcomeBody: String
        var birthdaySubject: String
        var birthdayBody: String
        var endSubject: String
        var endBody: String
        var linkSubject: String
        var linkBody: String
        var linkAction: String
        var greeting: String
        var unsubscribe: String
    }

    // {shop}, {name} and {date} are filled in; the texts are plain (escaped for HTML).
    static let wordings: [String: Wording] = [
        "en": Wording(
            welcomeSubject: "Welcome to the {shop} loyalty card",
            welcomeBody:
                "Thank you for joining {shop}'s loyalty programme. From now on your card saves with every purchase.",
            birthdaySubject: "Happy birthday from {shop}",
            birthdayBody: "Everyone at {shop} wishes you a happy birthday.",
            endSubject: "{shop}'s loyalty programme ends on {date}",
            endBody:
                "{shop}'s loyalty programme ends on {date}. From that day on purchases no longer earn points; you can spend your balance up to and including {date}. After that day the balances are frozen.",
            linkSubject: "Your link to your details at {shop}",
            linkBody:
                "You asked for your details at {shop}. This link works once, for 30 minutes. If you did not ask for it, ignore this mail: nobody can see your details without it.",
            linkAction: "Open my details",
            greeting: "Dear {name},", unsubscribe: "No more mail from {shop}? Unsubscribe:"),
        "nl": Wording(
            welcomeSubject: "Welkom bij de klantenkaart van {shop}",
            welcomeBody:
                "Bedankt voor uw aanmelding bij het spaarprogramma van {shop}. Vanaf nu spaart u met elke aankoop.",
            birthdaySubject: "Gefeliciteerd namens {shop}",
            birthdayBody: "Iedereen bij {shop} wenst u een fijne verjaardag.",
            endSubject: "Het spaarprogramma van {shop} stopt op {date}",
            endBody:
                "Het spaarprogramma van {shop} stopt op {date}. Vanaf die dag spaart u geen punten meer met uw aankopen; uw saldo kunt u tot en met {date} besteden. Daarna staan de saldi vast.",
            linkSubject: "Uw link naar uw gegevens bij {shop}",
            linkBody:
                "U vroeg om uw gegevens bij {shop}. Deze link werkt één keer, 30 minuten lang. Heeft u er niet om gevraagd, negeer deze mail dan: zonder de link ziet niemand uw gegevens.",
            linkAction: "Mijn gegevens openen",
            greeting: "Beste {name},", unsubscribe: "Geen mail meer van {shop}? Afmelden:"),
        "de": Wording(
            welcomeSubject: "Willkommen bei der Kundenkarte von {shop}",
            welcomeBody:
                "Danke für Ihre Anmeldung beim Bonusprogramm von {shop}. Ab jetzt sammeln Sie bei jedem Einkauf.",
            birthdaySubject: "Alles Gute zum Geburtstag von {shop}",
            birthdayBody: "Das ganze Team von {shop} gratuliert Ihnen herzlich zum Geburtstag.",
            endSubject: "Das Bonusprogramm von {shop} endet am {date}",
            endBody:
                "Das Bonusprogramm von {shop} endet am {date}. Ab diesem Tag sammeln Sie mit Ihren Einkäufen keine Punkte mehr; Ihr Guthaben können Sie bis einschließlich {date} einlösen. Danach sind die Guthaben eingefroren.",
            linkSubject: "Ihr Link zu Ihren Daten bei {shop}",
            linkBody:
                "Sie haben Ihre Daten bei {shop} angefordert. Dieser Link funktioniert einmal, 30 Minuten lang. Wenn Sie ihn nicht angefordert haben, ignorieren Sie diese Mail: ohne den Link sieht niemand Ihre Daten.",
            linkAction: "Meine Daten öffnen",
            greeting: "Hallo {name},", unsubscribe: "Keine Mails mehr von {shop}? Abmelden:"),
    ]

    /// nil for a kind this module has no template for, or one whose facts are missing (a
    /// details mail without its link, an end notice without its date). `unsubscribe` nil: a
    /// mail the customer asked for, with no unsubscribe line.
    public static func content(
        kind: String, language: String?, shop: String, name: String, unsubscribe: URL?,
        style: HouseStyle? = nil, facts: Facts = Facts()
    ) -> Content? {
        let wording = wordings[language ?? "en"] ?? wordings["en"]!
        let subject: String
        let body: String
        var action: (label: String, url: URL)?
        switch kind {
        case "welcome": (subject, body) = (wording.welcomeSubject, wording.welcomeBody)
        case "birthday": (subject, body) = (wording.birthdaySubject, wording.birthdayBody)
        case "program-end":
            guard facts.endDate != nil else { return nil }
            (subject, body) = (wording.endSubject, wording.endBody)
        case "holder-link":
            guard let link = facts.link else { return nil }
            (subject, body) = (wording.linkSubject, wording.linkBody)
            action = (wording.linkAction, link)
        default: return nil
        }
        func fill(_ text: String) -> String {
            text.replacingOccurrences(of: "{shop}", with: shop).replacingOccurrences(of: "{name}", with: name)
                .replacingOccurrences(of: "{date}", with: facts.endDate ?? "")
        }
        return framed(
            subject: fill(subject), paragraphs: [fill(body)], action: action, wording: wording, language: language,
            shop: shop, name: name, unsubscribe: unsubscribe, style: style)
    }

    /// Every mail's frame, in plain text and in HTML in the shop's house style: the greeting, the
    /// paragraphs, an action button, the shop's name and, for marketing, the unsubscribe line.
    /// The paragraphs are plain text (escaped here).
    static func framed(
        subject: String, paragraphs: [String], action: (label: String, url: URL)?, wording: Wording,
        language: String?, shop: String, name: String, unsubscribe: URL?, style: HouseStyle?
    ) -> Content {
        func fill(_ text: String) -> String {
            text.replacingOccurrences(of: "{shop}", with: shop).replacingOccurrences(of: "{name}", with: name)
        }
        var text = "\(fill(wording.greeting))\n\n\(paragraphs.joined(separator: "\n\n"))\n\n"
        if let action { text += "\(action.label): \(action.url.absoluteString)\n\n" }
        text += "\(shop)\n"
        if let unsubscribe { text += "\n-- \n\(fill(wording.unsubscribe)) \(unsubscribe.absoluteString)\n" }
        let style = style ?? .plain
        let logo =
            style.logo == nil
            ? ""
            : "<img src=\"cid:\(MailMessage.logoContentID)\" alt=\"\(escape(shop))\" height=\"48\" style=\"display:block;height:48px;margin-bottom:8px\">"
        let button =
            action.map {
                "<p><a href=\"\(escape($0.url.absoluteString))\" style=\"display:inline-block;padding:12px 20px;border-radius:6px;text-decoration:none;background:\(style.colour);color:\(style.onColour)\">\(escape($0.label))</a></p>"
            } ?? ""
        let footer =
            unsubscribe.map {
                "<p style=\"font-size:small;color:#666\">\(escape(fill(wording.unsubscribe))) <a href=\"\(escape($0.absoluteString))\">\(escape($0.absoluteString))</a></p>"
            } ?? ""
        let body = paragraphs.map { "<p>\(escape($0).replacingOccurrences(of: "\n", with: "<br>"))</p>" }
            .joined(separator: "\n")
        let html = """
            <!DOCTYPE html>
            <html lang="\(escape(language ?? "en"))"><head><meta charset="utf-8"><title>\(escape(subject))</title></head>
            <body style="margin:0;font-family:sans-serif;background:#f4f4f4">
            <div style="max-width:600px;margin:0 auto;background:#ffffff">
            <div class="house" style="background:\(style.colour);color:\(style.onColour);padding:16px 24px">\(logo)<strong style="font-size:20px">\(escape(shop))</strong></div>
            <div style="padding:16px 24px;color:#1d2733">
            <p>\(escape(fill(wording.greeting)))</p>
            \(body)
            \(button)
            <p>\(escape(shop))</p>
            \(footer)
            </div></div>
            </body></html>

            """
        return Content(subject: subject, text: text, html: html)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}
