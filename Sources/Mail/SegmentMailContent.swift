import CardDesign
import Foundation
import LoyaltyStore

extension MailTemplates {
    /// A mailing to a segment: the staff's subject and text (paragraphs split at blank lines),
    /// in the same frame, house style and unsubscribe line as the automatic mails.
    public static func content(
        mailing: MailingText, language: String?, shop: String, name: String, unsubscribe: URL,
        style: HouseStyle? = nil
    ) -> Content {
        let wording = wordings[language ?? "en"] ?? wordings["en"]!
        let paragraphs = mailing.text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        return framed(
            subject: mailing.subject, paragraphs: paragraphs, action: nil, wording: wording, language: language,
            shop: shop, name: name, unsubscribe: unsubscribe, style: style)
    }
}
