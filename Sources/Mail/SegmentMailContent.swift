import Foundation
import LoyaltyStore

extension MailTemplates {
    /// A mailing to a segment: the staff's subject and text (paragraphs split at blank lines),
    /// with the same greeting and unsubscribe link as the automatic mails.
    public static func content(
        mailing: MailingText, language: String?, shop: String, name: String, unsubscribe: URL
    ) -> Content {
        let wording = wordings[language ?? "en"] ?? wordings["en"]!
        func fill(_ text: String) -> String {
            text.replacingOccurrences(of: "{shop}", with: shop).replacingOccurrences(of: "{name}", with: name)
        }
        let body = mailing.text.replacingOccurrences(of: "\r\n", with: "\n")
        let paragraphs = body.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
        let link = unsubscribe.absoluteString
        let text =
            "\(fill(wording.greeting))\n\n\(paragraphs.joined(separator: "\n\n"))\n\n\(shop)\n\n-- \n\(fill(wording.unsubscribe)) \(link)\n"
        let html = """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>\(escape(mailing.subject))</title></head>
            <body style="font-family: sans-serif">
            <p>\(escape(fill(wording.greeting)))</p>
            \(paragraphs.map { "<p>\(escape($0).replacingOccurrences(of: "\n", with: "<br>"))</p>" }.joined(separator: "\n"))
            <p>\(escape(shop))</p>
            <p style="font-size: small; color: #666">\(escape(fill(wording.unsubscribe))) <a href="\(escape(link))">\(escape(link))</a></p>
            </body></html>

            """
        return Content(subject: mailing.subject, text: text, html: html)
    }
}
