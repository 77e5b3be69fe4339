import Foundation
import LoyaltyDomain

/// The texts of the automatic mails, HTML and plain, in the shop's language. The shop's house
/// style (logo, colours from its card design) is not applied yet: see docs/mail.md.
public enum MailTemplates {
    public struct Content: Sendable, Hashable {
        public var subject: String
        public var text: String
        public var html: String
    }

    struct Wording {
        var welcomeSubject: String
        var welcomeBody: String
        var birthdaySubject: String
        var birthdayBody: String
        var greeting: String
        var unsubscribe: String
    }

    // {shop} and {name} are filled in; the texts are plain (escaped for HTML).
    static let wordings: [String: Wording] = [
        "en": Wording(
            welcomeSubject: "Welcome to the {shop} loyalty card",
            welcomeBody:
                "Thank you for joining {shop}'s loyalty programme. From now on your card saves with every purchase.",
            birthdaySubject: "Happy birthday from {shop}",
            birthdayBody: "Everyone at {shop} wishes you a happy birthday.",
            greeting: "Dear {name},", unsubscribe: "No more mail from {shop}? Unsubscribe:"),
        "nl": Wording(
            welcomeSubject: "Welkom bij de klantenkaart van {shop}",
            welcomeBody:
                "Bedankt voor uw aanmelding bij het spaarprogramma van {shop}. Vanaf nu spaart u met elke aankoop.",
            birthdaySubject: "Gefeliciteerd namens {shop}",
            birthdayBody: "Iedereen bij {shop} wenst u een fijne verjaardag.",
            greeting: "Beste {name},", unsubscribe: "Geen mail meer van {shop}? Afmelden:"),
        "de": Wording(
            welcomeSubject: "Willkommen bei der Kundenkarte von {shop}",
            welcomeBody:
                "Danke für Ihre Anmeldung beim Bonusprogramm von {shop}. Ab jetzt sammeln Sie bei jedem Einkauf.",
            birthdaySubject: "Alles Gute zum Geburtstag von {shop}",
            birthdayBody: "Das ganze Team von {shop} gratuliert Ihnen herzlich zum Geburtstag.",
            greeting: "Hallo {name},", unsubscribe: "Keine Mails mehr von {shop}? Abmelden:"),
    ]

    /// nil for a kind this module has no template for.
    public static func content(
        kind: String, language: String?, shop: String, name: String, unsubscribe: URL
    ) -> Content? {
        let wording = wordings[language ?? "en"] ?? wordings["en"]!
        let subject: String
        let body: String
        switch kind {
        case "welcome": (subject, body) = (wording.welcomeSubject, wording.welcomeBody)
        case "birthday": (subject, body) = (wording.birthdaySubject, wording.birthdayBody)
        default: return nil
        }
        func fill(_ text: String) -> String {
            text.replacingOccurrences(of: "{shop}", with: shop).replacingOccurrences(of: "{name}", with: name)
        }
        let link = unsubscribe.absoluteString
        let text =
            "\(fill(wording.greeting))\n\n\(fill(body))\n\n\(shop)\n\n-- \n\(fill(wording.unsubscribe)) \(link)\n"
        let html = """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>\(escape(fill(subject)))</title></head>
            <body style="font-family: sans-serif">
            <p>\(escape(fill(wording.greeting)))</p>
            <p>\(escape(fill(body)))</p>
            <p>\(escape(shop))</p>
            <p style="font-size: small; color: #666">\(escape(fill(wording.unsubscribe))) <a href="\(escape(link))">\(escape(link))</a></p>
            </body></html>

            """
        return Content(subject: fill(subject), text: text, html: html)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}
