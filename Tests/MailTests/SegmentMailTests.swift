import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

@testable import Mail

/// A mailing to a segment (`segment.mail`), sent by `MailRun` to a real aiosmtpd: exactly the
/// segment's consenting customers receive it, once each.
@Suite(.enabled(if: SMTPRecorder.available, "needs python3-aiosmtpd (scripts/install-deps)"))
struct SegmentMailTests {
    static let merchant = "apotheek-de-linde"

    @Test func aSegmentMailingReachesExactlyTheSegmentOnce() async throws {
        let directory = URL(fileURLWithPath: "/tmp/lg-segmail-\(UUID().uuidString.prefix(8))")
        let database = try LedgerDatabase(directory: directory)
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples")
        var file = try ProgramFile.read(contentsOf: examples.appendingPathComponent("dutch-pharmacy.json"))
        file.program.marketing = MarketingRule(pharmacy: true)
        _ = try database.importProgram(file)
        let relay = try SMTPRecorder(folder: directory.path + "/relay")
        let config = MailConfig(merchants: [
            Self.merchant: .init(
                from: MailAddress("info@apotheek-de-linde.nl", name: "Apotheek De Linde"),
                relay: RelaySettings(url: relay.url, tls: .none), passwordFile: nil, ratePerMinute: 1_000_000,
                unsubscribeURL: "https://shop.example.nl/mail/unsubscribe", language: "nl",
                retryBaseSeconds: 0, maxAttempts: nil, birthdayHour: 23)
        ])
        // Twelve customers: Vichy buyers with and without consent, a medicine buyer, others.
        var expected: [String] = []
        for index in 1...12 {
            let card = try CardNumber(prefix: "2990001", serial: Int64(index)).digits
            try database.addCards(merchant: nil, numbers: [try CardNumber(card)])
            let consent = index % 4 != 0
            let email = "klant\(index)@example.nl"
            _ = try await database.register(
                merchant: nil, details: CustomerDetails(name: "Klant \(index)", email: index == 5 ? nil : email),
                consents: Consents(mail: consent, profiling: consent), card: card)
            let line =
                index % 3 == 0
                ? SaleLineInput(sku: "p", amount: "9.00", brand: "Vichy", category: "otc-medicine")
                : SaleLineInput(sku: "v", amount: "19.00", brand: index <= 8 ? "Vichy" : "Avene", category: "cosmetics")
            _ = try await database.earn(.init(card: card, till: "till-1", receipt: "R\(index)", lines: [line]))
            if consent, index != 5, index % 3 != 0, index <= 8 { expected.append(email) }
        }
        // The welcome mails go first, so that what follows is the mailing alone.
        _ = try await MailRun(database: database, config: config).run()
        let welcomes = relay.count
        let segment = try await database.saveSegment(
            merchant: nil, name: "Vichy", filter: SegmentFilter(brand: "Vichy"), user: "owner", at: Date())
        let mailing = try await database.mailSegment(
            merchant: nil, segment: segment.id, subject: "Vichy: 20 % korting",
            text: "Deze week 20 % korting op Vichy.\n\nTot ziens!", user: "owner", key: "form-1", at: Date())
        #expect(mailing.recipients == expected.count)
        // The same form sent again (a double click, a reload) records nothing more.
        let again = try await database.mailSegment(
            merchant: nil, segment: segment.id, subject: "Vichy: 20 % korting",
            text: "Deze week 20 % korting op Vichy.\n\nTot ziens!", user: "owner", key: "form-1", at: Date())
        #expect(again == mailing)
        let summary = try await MailRun(database: database, config: config).run()
        #expect(summary.first?.delivered == expected.count)
        let received = relay.messages().dropFirst(welcomes)
        #expect(received.map(\.recipient).sorted() == expected.sorted())
        for message in received {
            let mail = ReceivedMail(message.raw)
            #expect(ReceivedMail.decodeWords(mail.headers["subject"] ?? "") == "Vichy: 20 % korting")
            #expect(mail.parts["text/plain"]?.contains("Deze week 20 % korting op Vichy.") == true)
            #expect(mail.parts["text/html"]?.contains("<p>Tot ziens!</p>") == true)
            #expect(mail.headers["list-unsubscribe"]?.contains("/mail/unsubscribe?t=") == true)
        }
        // Another pass sends nothing again.
        let rerun = try await MailRun(database: database, config: config).run()
        #expect(rerun.first?.delivered == 0)
        #expect(relay.count == welcomes + expected.count)
        try database.close()
    }
}
