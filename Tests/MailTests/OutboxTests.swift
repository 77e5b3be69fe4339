import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

@testable import Mail

/// The outbox on a real SQLite ledger, sent by `MailRun` to a real aiosmtpd: what each customer
/// finds in the mailbox.
@Suite(.enabled(if: SMTPRecorder.available, "needs python3-aiosmtpd (scripts/install-deps)"))
struct OutboxTests {
    static let merchant = "apotheek-de-linde"
    let directory: URL
    let database: LedgerDatabase

    init() throws {
        directory = URL(fileURLWithPath: "/tmp/lg-outbox-\(UUID().uuidString.prefix(8))")
        database = try LedgerDatabase(directory: directory)
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples")
        _ = try database.importProgram(
            try ProgramFile.read(contentsOf: examples.appendingPathComponent("dutch-pharmacy.json")))
    }

    func config(_ relay: SMTPRecorder, retryBase: Int = 0) -> MailConfig {
        MailConfig(merchants: [
            Self.merchant: .init(
                from: MailAddress("info@apotheek-de-linde.nl", name: "Apotheek De Linde"),
                relay: RelaySettings(url: relay.url, tls: .none), passwordFile: nil, ratePerMinute: 1_000_000,
                unsubscribeURL: "https://shop.example.nl/mail/unsubscribe", language: "nl",
                retryBaseSeconds: retryBase, maxAttempts: nil, birthdayHour: 0)
        ])
    }

    @discardableResult
    func register(_ name: String, email: String?, birth: String? = nil, consent: Bool) async throws -> Int64 {
        try await database.register(
            merchant: Self.merchant, details: CustomerDetails(name: name, email: email, birthDate: birth),
            consents: Consents(mail: consent, profiling: false), card: nil
        ).id
    }

    /// Today in Amsterdam, with another year: a birthday today.
    static func birthdayToday() -> String {
        "1980" + Timestamp.localDate(Date(), timeZone: TimeZone(identifier: "Europe/Amsterdam")!).dropFirst(4)
    }

    /// A customer who consents after the end was announced is told at the next pass, until the
    /// last day; after it a notice would tell nobody anything.
    @Test func aLaterConsenterGetsTheEndNoticeOnlyUntilTheLastDay() async throws {
        let announced = try Timestamp.read("2020-01-10T10:00:00Z")
        let answer = try await database.announceProgramEnd(
            merchant: Self.merchant, date: "2020-07-31", by: "owner", now: announced)
        #expect(answer.mailsRecorded == 0)
        try await register("Jan de Vries", email: "jan@example.nl", consent: true)
        #expect(try await database.enqueueProgramEndMails(merchant: Self.merchant, now: Date()) == 0)
        let beforeTheEnd = try Timestamp.read("2020-07-31T20:00:00Z")
        #expect(try await database.enqueueProgramEndMails(merchant: Self.merchant, now: beforeTheEnd) == 1)
        #expect(try await database.enqueueProgramEndMails(merchant: Self.merchant, now: beforeTheEnd) == 0)
    }

    @Test func welcomeAndBirthdayMailsReachOnlyConsentingCustomers() async throws {
        let relay = try SMTPRecorder(folder: directory.path + "/relay")
        try await register("Jan de Vries", email: "jan@example.nl", birth: Self.birthdayToday(), consent: true)
        try await register("Els Bakker", email: "els@example.nl", birth: Self.birthdayToday(), consent: false)
        try await register("Piet Zonder", email: nil, birth: Self.birthdayToday(), consent: true)
        let summaries = try await MailRun(database: database, config: config(relay)).run()
        #expect(summaries.first?.delivered == 2)
        let kept = relay.messages()
        #expect(kept.map(\.recipient) == ["jan@example.nl", "jan@example.nl"])
        let mails = kept.map { ReceivedMail($0.raw) }
        let subjects = mails.map { ReceivedMail.decodeWords($0.headers["subject"] ?? "") }
        #expect(
            subjects == ["Welkom bij de klantenkaart van Apotheek De Linde", "Gefeliciteerd namens Apotheek De Linde"])
        for mail in mails {
            #expect(mail.headers["from"] == "Apotheek De Linde <info@apotheek-de-linde.nl>")
            #expect(mail.headers["to"] == "Jan de Vries <jan@example.nl>")
            #expect(mail.headers["message-id"]?.hasSuffix("@apotheek-de-linde.nl>") == true)
            #expect(mail.headers["date"] != nil)
            #expect(mail.headers["list-unsubscribe-post"] == "List-Unsubscribe=One-Click")
            let link = String(mail.headers["list-unsubscribe"]?.dropFirst().dropLast() ?? "")
            #expect(link.hasPrefix("https://shop.example.nl/mail/unsubscribe?t="))
            #expect(mail.parts["text/plain"]?.contains(link) == true)
            #expect(mail.parts["text/html"]?.contains("href=\"\(link)\"") == true)
            #expect(mail.parts["text/plain"]?.hasPrefix("Beste Jan de Vries,") == true)
        }
        // A second pass the same day sends nothing again.
        let again = try await MailRun(database: database, config: config(relay)).run()
        #expect(again.first?.delivered == 0)
        #expect(relay.count == 2)
    }

    @Test func birthdayMailsWaitForTheMerchantsMorning() async throws {
        let relay = try SMTPRecorder(folder: directory.path + "/relay")
        try await register("Jan de Vries", email: "jan@example.nl", birth: Self.birthdayToday(), consent: false)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Amsterdam")!
        let early = try #require(calendar.date(bySettingHour: 6, minute: 0, second: 0, of: Date()))
        var settings = config(relay)
        settings.merchants[Self.merchant]?.birthdayHour = 9
        try await database.updateCustomer(
            merchant: Self.merchant, id: 1, patch: CustomerPatch(), consents: Consents(mail: true, profiling: false))
        let before = try await MailRun(database: database, config: settings).run { early }.first
        #expect(before?.birthdaysRecorded == 0)
        let after = try await MailRun(database: database, config: settings).run {
            max(Date(), early.addingTimeInterval(3 * 3600))
        }
        .first
        #expect(after?.birthdaysRecorded == 1)
        #expect(relay.messages().map(\.recipient) == ["jan@example.nl"])
    }

    @Test func theUnsubscribeLinkTurnsConsentOffAndAForgedOneIsRefused() async throws {
        let relay = try SMTPRecorder(folder: directory.path + "/relay")
        let jan = try await register("Jan de Vries", email: "jan@example.nl", consent: true)
        _ = try await MailRun(database: database, config: config(relay)).run()
        let link = ReceivedMail(relay.messages().first?.raw ?? "").headers["list-unsubscribe"] ?? ""
        let token = try #require(URLComponents(string: String(link.dropFirst().dropLast()))?.queryItems?.first?.value)
        let forged = token.replacingOccurrences(of: ".\(jan).", with: ".\(jan + 1).")
        await #expect(throws: LoyaltyError.self) {
            try await database.unsubscribe(merchant: Self.merchant, token: forged)
        }
        #expect(try await database.unsubscribe(merchant: Self.merchant, token: token) == jan)
        #expect(try await database.customer(merchant: Self.merchant, id: jan).consents.mail == false)
    }

    @Test func consentWithdrawnBeforeTheRunCancelsTheMail() async throws {
        let relay = try SMTPRecorder(folder: directory.path + "/relay")
        let jan = try await register("Jan de Vries", email: "jan@example.nl", consent: true)
        _ = try await database.updateCustomer(
            merchant: Self.merchant, id: jan, patch: CustomerPatch(), consents: Consents(mail: false, profiling: false))
        let summary = try await MailRun(database: database, config: config(relay)).run().first
        #expect(summary?.delivered == 0)
        #expect(summary?.outbox.cancelled == 1)
        #expect(relay.count == 0)
    }

    @Test func aRelayAnswering4xxThen250GetsOneCopy() async throws {
        let relay = try SMTPRecorder(folder: directory.path + "/relay", failFirst: 1)
        try await register("Jan de Vries", email: "jan@example.nl", consent: true)
        // No birthday scan in this pass: it opens every consenting record too (another matter).
        var settings = config(relay)
        settings.merchants[Self.merchant]?.birthdayHour = 24
        let first = try await MailRun(database: database, config: settings).run().first
        #expect(first?.retryLater == 1)
        #expect(first?.outbox.queued == 1)
        let second = try await MailRun(database: database, config: config(relay)).run().first
        #expect(second?.delivered == 1)
        #expect(second?.outbox.sent == 1)
        #expect(relay.messages().map(\.recipient) == ["jan@example.nl"])
    }

    @Test func aRetryWaitsForItsBackoff() async throws {
        let relay = try SMTPRecorder(folder: directory.path + "/relay", failFirst: 1)
        try await register("Jan de Vries", email: "jan@example.nl", consent: true)
        // Fixed instants, not the clock: on a loaded machine a minute can pass between two runs.
        let start = Date()
        _ = try await MailRun(database: database, config: config(relay, retryBase: 60)).run { start }
        let soon = try await MailRun(database: database, config: config(relay, retryBase: 60)).run {
            start.addingTimeInterval(30)
        }.first
        #expect(soon?.delivered == 0)
        let later = try await MailRun(database: database, config: config(relay, retryBase: 60)).run {
            start.addingTimeInterval(61)
        }.first
        #expect(later?.delivered == 1)
        #expect(relay.count == 1)
    }

    @Test func a5xxIsRecordedAsFailedAndNotRetried() async throws {
        let relay = try SMTPRecorder(folder: directory.path + "/relay", reject: "gone")
        try await register("Weg", email: "gone@example.nl", consent: true)
        let summary = try await MailRun(database: database, config: config(relay)).run().first
        #expect(summary?.failed == 1)
        #expect(summary?.outbox.failed == 1)
        let again = try await MailRun(database: database, config: config(relay)).run().first
        #expect(again?.failed == 0)
        #expect(relay.count == 0)
    }

    @Test func anErasedCustomerIsNotMailed() async throws {
        let relay = try SMTPRecorder(folder: directory.path + "/relay")
        let jan = try await register("Jan de Vries", email: "jan@example.nl", consent: true)
        try await database.erase(merchant: Self.merchant, id: jan)
        let summary = try await MailRun(database: database, config: config(relay)).run().first
        #expect(summary?.outbox.cancelled == 1)
        #expect(relay.count == 0)
    }

    /// A mail whose claim throws (here its customer's sealed record no longer opens) is
    /// recorded as failed without anything personal in the answer; the mail delivered just
    /// before it stays delivered and is not sent again by the next pass.
    @Test func aMailThatCannotBeClaimedFailsAloneAndTheOneBeforeIsNotSentAgain() async throws {
        let relay = try SMTPRecorder(folder: directory.path + "/relay")
        try await register("Jan de Vries", email: "jan@example.nl", consent: true)
        let piet = try await register("Piet Bakker", email: "piet@example.nl", consent: true)
        try await register("Kees Smit", email: "kees@example.nl", consent: true)
        #expect(
            try ChildProcess.run(
                "/usr/bin/sqlite3",
                [directory.path + "/loyalgate.sqlite", "UPDATE customer SET sealed = x'00' WHERE id = \(piet)"]
            ).status == 0)
        // No birthday scan in this pass: it opens every consenting record too (another matter).
        var settings = config(relay)
        settings.merchants[Self.merchant]?.birthdayHour = 24
        let first = try await MailRun(database: database, config: settings).run().first
        #expect(first?.delivered == 2 && first?.failed == 1)
        #expect(first?.error == nil)
        let second = try await MailRun(database: database, config: settings).run().first
        #expect(second?.delivered == 0)
        #expect(second?.outbox.sent == 2 && second?.outbox.failed == 1)
        #expect(relay.messages().map(\.recipient) == ["jan@example.nl", "kees@example.nl"])
    }

    /// What the outbox keeps of the relay's answers, read from the ledger file as a technician would.
    func answers() throws -> String {
        try ChildProcess.run(
            "/usr/bin/sqlite3", [directory.path + "/loyalgate.sqlite", "SELECT last_answer FROM mail_outbox"]
        ).stdout
    }

    /// A relay that quotes the address back in its refusal (Postfix's 550 5.1.1 <...>) has it
    /// kept without the address; erasing the customer clears the answers of all their mails.
    @Test func theRelaysAnswerIsKeptWithoutTheAddressAndClearedOnErasure() async throws {
        let jan = try await register("Jan de Vries", email: "jan@example.nl", consent: true)
        let mail = try #require(try await database.dueMails(merchant: Self.merchant, now: Date(), limit: 1).first)
        // What a pass records for Postfix's refusal (libcurl passes on only the code today).
        try await database.settleMail(
            id: mail, .failed(answer: "550 5.1.1 <jan@example.nl>: Recipient address rejected (jan@example.nl)"))
        let kept = try answers()
        #expect(kept.contains("550 5.1.1 <address>: Recipient address rejected"), "\(kept)")
        #expect(!kept.contains("jan@example.nl"), "\(kept)")
        try await database.erase(merchant: Self.merchant, id: jan)
        let erased = try answers()
        #expect(!erased.contains("550"), "\(erased)")
    }

    /// The web page's unsubscribe link names no merchant: at a core serving several merchants
    /// the merchant is the one inside the verified token; a forged tag is still refused.
    @Test func theUnsubscribeLinkWorksWithoutAMerchantAtACoreWithSeveral() async throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples")
        _ = try database.importProgram(
            try ProgramFile.read(contentsOf: examples.appendingPathComponent("german-shop.json")))
        let relay = try SMTPRecorder(folder: directory.path + "/relay")
        let jan = try await register("Jan de Vries", email: "jan@example.nl", consent: true)
        _ = try await MailRun(database: database, config: config(relay)).run()
        let link = ReceivedMail(relay.messages().first?.raw ?? "").headers["list-unsubscribe"] ?? ""
        let token = try #require(URLComponents(string: String(link.dropFirst().dropLast()))?.queryItems?.first?.value)
        let forged = token.dropLast() + (token.last == "A" ? "B" : "A")
        await #expect(throws: LoyaltyError.self) {
            try await database.unsubscribe(merchant: nil, token: String(forged))
        }
        #expect(try await database.unsubscribe(merchant: nil, token: token) == jan)
        #expect(try await database.customer(merchant: Self.merchant, id: jan).consents.mail == false)
    }
}
