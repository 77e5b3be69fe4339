import Foundation
import Testbed
import Testing

@testable import Mail

/// A message as its reader's mail program takes it apart: headers, the two parts, UTF-8.
@Suite struct MailMessageTests {
    static let message = MailMessage(
        from: MailAddress("info@apotheek-de-linde.nl", name: "Apotheek de Linde"),
        to: MailAddress("jan@example.nl", name: "Jan Jansen"),
        subject: "Gefeliciteerd, Jan! Een verjaardagscadeau voor u 🎂 met een heel lange onderwerpregel erachteraan",
        text: "Beste Jan,\nVan harte gefeliciteerd.\n", html: "<p>Beste Jan,</p><p>Van harte gefeliciteerd.</p>",
        date: Date(timeIntervalSince1970: 1_796_025_600), messageID: "outbox-7.abc@apotheek-de-linde.nl",
        unsubscribe: URL(string: "https://shop.example.nl/mail/unsubscribe?t=abc"))

    @Test func headersAndPartsAreWhatAMailProgramExpects() {
        let raw = String(decoding: Self.message.rendered(), as: UTF8.self)
        #expect(!raw.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(raw.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 998 })
        let mail = ReceivedMail(raw)
        #expect(
            mail.headers["from"] == "\"Apotheek de Linde\" <info@apotheek-de-linde.nl>"
                || mail.headers["from"] == "Apotheek de Linde <info@apotheek-de-linde.nl>")
        #expect(mail.headers["to"] == "Jan Jansen <jan@example.nl>")
        #expect(mail.headers["date"] == "Mon, 30 Nov 2026 08:00:00 +0000")
        #expect(mail.headers["message-id"] == "<outbox-7.abc@apotheek-de-linde.nl>")
        #expect(mail.headers["mime-version"] == "1.0")
        #expect(mail.headers["list-unsubscribe"] == "<https://shop.example.nl/mail/unsubscribe?t=abc>")
        #expect(mail.headers["list-unsubscribe-post"] == "List-Unsubscribe=One-Click")
        #expect(mail.headers["content-type"]?.hasPrefix("multipart/alternative; boundary=") == true)
        #expect(mail.parts["text/plain"] == "Beste Jan,\r\nVan harte gefeliciteerd.\r\n")
        #expect(mail.parts["text/html"] == "<p>Beste Jan,</p><p>Van harte gefeliciteerd.</p>")
    }

    @Test func aSubjectBeyondASCIIIsEncodedInWordsOfAtMost75Characters() throws {
        let raw = String(decoding: Self.message.rendered(), as: UTF8.self)
        let subjectLines = raw.components(separatedBy: "\r\n").drop { !$0.hasPrefix("Subject:") }
            .prefix { $0.hasPrefix("Subject:") || $0.hasPrefix(" ") }
        #expect(subjectLines.count > 1)
        for line in subjectLines {
            let word = line.hasPrefix("Subject: ") ? String(line.dropFirst(9)) : String(line.dropFirst())
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?=") && word.count <= 75)
        }
        let mail = ReceivedMail(raw)
        #expect(ReceivedMail.decodeWords(mail.headers["subject"] ?? "") == Self.message.subject)
        // Plain ASCII stays readable.
        #expect(MailMessage.encodedWords("Welcome to the club", quoted: false) == "Welcome to the club")
    }

    @Test func aMailWithoutUnsubscribeHasNoListHeaders() {
        var message = Self.message
        message.unsubscribe = nil
        let raw = String(decoding: message.rendered(), as: UTF8.self)
        #expect(!raw.contains("List-Unsubscribe"))
    }

    @Test func addressesThatCouldInjectHeadersAreInvalid() {
        #expect(MailAddress("jan@example.nl").isValid)
        #expect(!MailAddress("jan@example.nl\r\nBcc: all@example.nl").isValid)
        #expect(!MailAddress("jan<x>@example.nl").isValid)
        #expect(!MailAddress("no-at-sign").isValid)
        #expect(!MailAddress("jös@example.nl").isValid)
    }
}
