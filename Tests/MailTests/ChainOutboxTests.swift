import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PostgresStore
import Testbed
import Testing

@testable import Mail

/// The outbox and the cardholder's one-time links on either store (`StoreKind`): a shop's
/// SQLite ledger or a chain's PostgreSQL (a real server, Testbed.PostgresServer), sent by
/// `MailRun` to a real aiosmtpd. docs/mail.md, docs/chain.md.
@Suite(.enabled(if: SMTPRecorder.available, "needs python3-aiosmtpd (scripts/install-deps)"))
struct ChainOutboxTests {
    static let merchant = "apotheek-de-linde"
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")

    /// A ledger on `kind` with the Dutch pharmacy's program: the store, its outbox, and how to
    /// register cards (not an op).
    struct Shop {
        let store: any LedgerStore
        let outbox: any MailOutbox
        let folder: URL
        let url: String?
        let addCards: @Sendable ([CardNumber]) async throws -> Void
        let close: @Sendable () async -> Void
        /// Another core on the same PostgreSQL database (a second host), with the same key.
        let secondCore: (@Sendable () async throws -> PostgresLedger)?
    }

    static func shop(_ kind: StoreKind) async throws -> Shop {
        let folder = URL(fileURLWithPath: "/tmp/lg-chainmail-\(UUID().uuidString.prefix(8))")
        let program = try ProgramFile.read(contentsOf: examples.appendingPathComponent("dutch-pharmacy.json"))
        switch kind {
        case .sqlite:
            let database = try LedgerDatabase(directory: folder)
            _ = try database.importProgram(program)
            return Shop(
                store: database, outbox: database, folder: folder, url: nil,
                addCards: { try database.addCards(merchant: Self.merchant, numbers: $0) }, close: {},
                secondCore: nil)
        case .postgres:
            let url = try PostgresServer.shared().database().url
            let key = folder.appendingPathComponent("keys/personal-data.key").path
            let ledger = try await PostgresLedger.connect(url: url, keyPath: key)
            _ = try await ledger.storeProgram(program)
            return Shop(
                store: ledger, outbox: ledger, folder: folder, url: url,
                addCards: { try await ledger.addCards(merchant: Self.merchant, numbers: $0, status: .active) },
                close: { await ledger.close() },
                secondCore: { try await PostgresLedger.connect(url: url, keyPath: key) })
        }
    }

    static func config(_ relay: SMTPRecorder, birthdayHour: Int = 24) -> MailConfig {
        MailConfig(merchants: [
            merchant: .init(
                from: MailAddress("info@apotheek-de-linde.nl", name: "Apotheek De Linde"),
                relay: RelaySettings(url: relay.url, tls: .none), passwordFile: nil, ratePerMinute: 1_000_000,
                unsubscribeURL: "https://shop.example.nl/mail/unsubscribe", language: "nl",
                retryBaseSeconds: 0, maxAttempts: nil, birthdayHour: birthdayHour)
        ])
    }

    /// The link in a details mail.
    static func link(in raw: String) throws -> String {
        let text = ReceivedMail(raw).parts["text/plain"] ?? ""
        let prefix = "https://shop.example.nl/p/"
        return try #require(
            text.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix(prefix) }.map {
                String($0.dropFirst(prefix.count))
            })
    }

    /// The cardholder's details link on both stores (docs/cardholder.md): mailed without
    /// marketing consent (they asked), in the page's language, without an unsubscribe link;
    /// three an hour; a card without a customer records nothing and says nothing; one use
    /// within 30 minutes; the session ends after its 30 minutes; an erased customer's is refused.
    @Test(arguments: StoreKind.available)
    func aDetailsLinkIsMailedWorksOnceAndAtMostThreeAnHour(kind: StoreKind) async throws {
        let shop = try await Self.shop(kind)
        defer { Task { await shop.close() } }
        let relay = try SMTPRecorder(folder: shop.folder.path + "/relay")
        let number = try CardNumber(prefix: "2990001", serial: 501)
        let lonely = try CardNumber(prefix: "2990001", serial: 502)
        try await shop.addCards([number, lonely])
        _ = try await shop.store.register(
            merchant: Self.merchant, details: CustomerDetails(name: "Jan de Vries", email: "jan@example.nl"),
            consents: Consents(mail: false, profiling: false), card: number.digits)
        let now = Date()
        // Asked for hours ago and not sent in time (the relay was down): cancelled, not sent.
        try await shop.store.requestHolderLink(
            merchant: Self.merchant, card: number.digits, language: nil, now: now.addingTimeInterval(-3 * 3600))
        for _ in 0..<4 {
            try await shop.store.requestHolderLink(
                merchant: Self.merchant, card: number.digits, language: "de", now: now)
        }
        try await shop.store.requestHolderLink(merchant: Self.merchant, card: lonely.digits, language: nil, now: now)
        let summary = try await MailRun(database: shop.outbox, config: Self.config(relay)).run()
        #expect(summary.first?.error == nil, "\(summary)")
        #expect(summary.first?.delivered == 3 && summary.first?.skipped == 1, "\(summary)")
        #expect(summary.first?.outbox.cancelled == 1)
        let kept = relay.messages()
        #expect(kept.map(\.recipient) == Array(repeating: "jan@example.nl", count: 3))
        let mail = ReceivedMail(try #require(kept.first).raw)
        #expect(
            ReceivedMail.decodeWords(mail.headers["subject"] ?? "") == "Ihr Link zu Ihren Daten bei Apotheek De Linde")
        #expect(mail.headers["list-unsubscribe"] == nil)
        let link = try Self.link(in: kept[0].raw)

        let expired = await #expect(throws: LoyaltyError.self) {
            try await shop.store.openHolderLink(merchant: nil, link: link, now: now.addingTimeInterval(31 * 60))
        }
        #expect(expired?.code == .forbidden)
        let opened = try await shop.store.openHolderLink(merchant: Self.merchant, link: link, now: now)
        let session = try await shop.store.holderSession(merchant: nil, session: opened.session, now: now)
        #expect(session.merchant == Self.merchant && session.customer == 1)
        let export = try await shop.store.exportCustomer(merchant: session.merchant, id: session.customer)
        #expect(export.customer.details?.name == "Jan de Vries")
        let again = await #expect(throws: LoyaltyError.self) {
            try await shop.store.openHolderLink(merchant: nil, link: link, now: now)
        }
        #expect(again?.message.contains("already used or has expired") == true)
        await #expect(throws: LoyaltyError.self) {
            try await shop.store.openHolderLink(merchant: nil, link: "not-a-link", now: now)
        }
        await #expect(throws: LoyaltyError.self) {
            try await shop.store.holderSession(
                merchant: nil, session: opened.session, now: now.addingTimeInterval(1801))
        }
        // Another link of the three, then the customer is erased: it opens nothing.
        let second = try Self.link(in: kept[1].raw)
        try await shop.store.erase(merchant: Self.merchant, id: 1)
        await #expect(throws: LoyaltyError.self) {
            try await shop.store.openHolderLink(merchant: nil, link: second, now: now)
        }
    }

    /// Two cores of a chain open one link at the same moment: one gets the session, the other
    /// the refusal.
    @Test(.enabled(if: PostgresServer.unavailable == nil, "PostgreSQL 15 is not installed"))
    func twoCoresOpeningOneLinkAtOnceGiveOneSession() async throws {
        let shop = try await Self.shop(.postgres)
        let connect = try #require(shop.secondCore)
        let other = try await connect()
        defer {
            Task {
                await shop.close()
                await other.close()
            }
        }
        let relay = try SMTPRecorder(folder: shop.folder.path + "/relay")
        let numbers = try (601...605).map { try CardNumber(prefix: "2990001", serial: $0) }
        try await shop.addCards(numbers)
        for (index, number) in numbers.enumerated() {
            _ = try await shop.store.register(
                merchant: Self.merchant,
                details: CustomerDetails(name: "Klant \(index)", email: "klant\(index)@example.nl"),
                consents: Consents(mail: false, profiling: false), card: number.digits)
            try await shop.store.requestHolderLink(
                merchant: Self.merchant, card: number.digits, language: nil, now: Date())
        }
        _ = try await MailRun(database: shop.outbox, config: Self.config(relay)).run()
        let links = try relay.messages().map { try Self.link(in: $0.raw) }
        #expect(links.count == numbers.count)
        let cores: [any LedgerStore] = [shop.store, other]
        for link in links {
            let sessions = await withTaskGroup(of: String?.self) { group in
                for core in cores {
                    group.addTask { try? await core.openHolderLink(merchant: nil, link: link, now: Date()).session }
                }
                var opened: [String] = []
                for await session in group { if let session { opened.append(session) } }
                return opened
            }
            #expect(sessions.count == 1, "\(sessions.count) sessions from one link")
        }
    }

    /// `mail run` on a chain's PostgreSQL: the welcome mail, the birthday mail and the
    /// program's end notice reach the customer once each, nobody without consent is mailed; a
    /// second pass sends nothing again; the unsubscribe link works there.
    @Test(.enabled(if: PostgresServer.unavailable == nil, "PostgreSQL 15 is not installed"))
    func aPassOnPostgresSendsTheWelcomeBirthdayAndEndNoticeOnce() async throws {
        let shop = try await Self.shop(.postgres)
        defer { Task { await shop.close() } }
        let relay = try SMTPRecorder(folder: shop.folder.path + "/relay")
        let amsterdam = TimeZone(identifier: "Europe/Amsterdam")!
        let birthday = "1980" + Timestamp.localDate(Date(), timeZone: amsterdam).dropFirst(4)
        let jan = try await shop.store.register(
            merchant: Self.merchant,
            details: CustomerDetails(name: "Jan de Vries", email: "jan@example.nl", birthDate: birthday),
            consents: Consents(mail: true, profiling: false), card: nil
        ).id
        _ = try await shop.store.register(
            merchant: Self.merchant,
            details: CustomerDetails(name: "Els Bakker", email: "els@example.nl", birthDate: birthday),
            consents: Consents(mail: false, profiling: false), card: nil)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = amsterdam
        let end = Timestamp.localDate(
            try #require(calendar.date(byAdding: .month, value: 7, to: Date())), timeZone: amsterdam)
        let announced = try await shop.store.announceProgramEnd(
            merchant: Self.merchant, date: end, by: "owner", now: Date())
        #expect(announced.mailsRecorded == 1)
        let config = Self.config(relay, birthdayHour: 0)
        let first = try await MailRun(database: shop.outbox, config: config).run().first
        #expect(
            first?.error == nil && first?.delivered == 3 && first?.birthdaysRecorded == 1,
            "\(String(describing: first))")
        let second = try await MailRun(database: shop.outbox, config: config).run().first
        #expect(second?.delivered == 0 && second?.birthdaysRecorded == 0 && second?.outbox.sent == 3)
        let kept = relay.messages()
        #expect(kept.map(\.recipient) == ["jan@example.nl", "jan@example.nl", "jan@example.nl"])
        let mails = kept.map { ReceivedMail($0.raw) }
        let subjects = Set(mails.map { ReceivedMail.decodeWords($0.headers["subject"] ?? "") })
        #expect(subjects.contains("Welkom bij de klantenkaart van Apotheek De Linde"), "\(subjects)")
        #expect(subjects.contains("Gefeliciteerd namens Apotheek De Linde"), "\(subjects)")
        #expect(mails.allSatisfy { $0.headers["to"] == "Jan de Vries <jan@example.nl>" })
        #expect(mails.contains { $0.parts["text/plain"]?.contains(end) == true }, "no mail names the end \(end)")
        let header = mails[0].headers["list-unsubscribe"] ?? ""
        let token = try #require(
            URLComponents(string: String(header.dropFirst().dropLast()))?.queryItems?.first?.value)
        #expect(try await shop.store.unsubscribe(merchant: nil, token: token) == jan)
        #expect(try await shop.store.customer(merchant: Self.merchant, id: jan).consents.mail == false)
    }

    /// A mailing to a segment (`segment.mail`) is sent from either store with what the staff
    /// wrote, to exactly the segment's consenting customers with an address, once each: not to a
    /// buyer without consent, nor to one whose only purchase of the brand is a medicine (health
    /// data stays out of marketing), and a form sent twice records one mailing.
    @Test(arguments: StoreKind.available)
    func aSegmentMailingIsSentWithItsTextToTheConsentingBuyersOnce(kind: StoreKind) async throws {
        let shop = try await Self.shop(kind)
        defer { Task { await shop.close() } }
        let relay = try SMTPRecorder(folder: shop.folder.path + "/relay")
        // Twelve customers: Vichy buyers with and without consent, medicine buyers, one without
        // an address, others.
        var expected: [String] = []
        for index in 1...12 {
            let card = try CardNumber(prefix: "2990001", serial: Int64(index))
            try await shop.addCards([card])
            let consent = index % 4 != 0
            let email = "klant\(index)@example.nl"
            _ = try await shop.store.register(
                merchant: Self.merchant,
                details: CustomerDetails(name: "Klant \(index)", email: index == 5 ? nil : email),
                consents: Consents(mail: consent, profiling: consent), card: card.digits)
            let line =
                index % 3 == 0
                ? SaleLineInput(sku: "p", amount: "9.00", brand: "Vichy", category: "otc-medicine")
                : SaleLineInput(sku: "v", amount: "19.00", brand: index <= 8 ? "Vichy" : "Avene", category: "cosmetics")
            _ = try await shop.store.earn(
                .init(merchant: Self.merchant, card: card.digits, till: "till-1", receipt: "R\(index)", lines: [line]))
            if consent, index != 5, index % 3 != 0, index <= 8 { expected.append(email) }
        }
        let config = Self.config(relay)
        // The welcome mails go first, so that what follows is the mailing alone.
        _ = try await MailRun(database: shop.outbox, config: config).run()
        let welcomes = relay.count
        let segment = try await shop.store.saveSegment(
            merchant: Self.merchant, name: "Vichy", filter: SegmentFilter(brand: "Vichy"), user: "owner", at: Date())
        let mailing = try await shop.store.mailSegment(
            merchant: Self.merchant, segment: segment.id, subject: "Vichy: 20 % korting",
            text: "Deze week 20 % korting op Vichy.\n\nTot ziens!", user: "owner", key: "form-1", at: Date())
        #expect(mailing.recipients == expected.count)
        // The same form sent again (a double click, a reload) records nothing more.
        let again = try await shop.store.mailSegment(
            merchant: Self.merchant, segment: segment.id, subject: "Vichy: 20 % korting",
            text: "Deze week 20 % korting op Vichy.\n\nTot ziens!", user: "owner", key: "form-1", at: Date())
        #expect(again == mailing)
        let summary = try await MailRun(database: shop.outbox, config: config).run().first
        #expect(summary?.delivered == expected.count, "\(String(describing: summary))")
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
        #expect(try await MailRun(database: shop.outbox, config: config).run().first?.delivered == 0)
        #expect(relay.count == welcomes + expected.count)
    }

    /// A pass on another host never takes back a mail another pass is still sending: only a
    /// mail in flight past its lease (the pass that claimed it died) goes back to the queue.
    @Test(.enabled(if: PostgresServer.unavailable == nil, "PostgreSQL 15 is not installed"))
    func onlyAMailInFlightPastItsLeaseIsTakenBack() async throws {
        let server = try PostgresServer.shared()
        let database = try server.database()
        let folder = URL(fileURLWithPath: "/tmp/lg-chainmail-\(UUID().uuidString.prefix(8))")
        let ledger = try await PostgresLedger.connect(
            url: database.url, keyPath: folder.appendingPathComponent("keys/personal-data.key").path)
        defer { Task { await ledger.close() } }
        _ = try await ledger.storeProgram(
            try ProgramFile.read(contentsOf: Self.examples.appendingPathComponent("dutch-pharmacy.json")))
        _ = try await ledger.register(
            merchant: Self.merchant, details: CustomerDetails(name: "Jan de Vries", email: "jan@example.nl"),
            consents: Consents(mail: true, profiling: false), card: nil)
        let relay = try SMTPRecorder(folder: folder.path + "/relay")
        let render = MailRun.renderer(try #require(Self.config(relay).merchants[Self.merchant]))
        let id = try #require(try await ledger.dueMails(merchant: Self.merchant, now: Date(), limit: 10).first)
        let claimed = try await ledger.claimMail(merchant: Self.merchant, id: id, settling: nil, render: render)
        #expect(claimed?.attempts == 1)
        // Claimed once: a second claim (another pass) gets nothing.
        #expect(try await ledger.claimMail(merchant: Self.merchant, id: id, settling: nil, render: render) == nil)
        #expect(try await ledger.requeueInterruptedMails(merchant: Self.merchant) == 0)
        #expect(try await ledger.outboxCounts(merchant: Self.merchant).sending == 1)
        try server.sql(
            "UPDATE mail_outbox SET next_attempt_at = '2000-01-01T00:00:00Z' WHERE id = \(id)", database: database.name)
        #expect(try await ledger.requeueInterruptedMails(merchant: Self.merchant) == 1)
        let summary = try await MailRun(database: ledger, config: Self.config(relay)).run().first
        #expect(summary?.delivered == 1)
        #expect(relay.messages().map(\.recipient) == ["jan@example.nl"])
    }

    /// Two `mail run` passes on two hosts against one PostgreSQL at once: each of 200 mails is
    /// delivered exactly once.
    @Test(.enabled(if: PostgresServer.unavailable == nil, "PostgreSQL 15 is not installed"))
    func twoPassesAtOnceDeliverEachMailOnce() async throws {
        let shop = try await Self.shop(.postgres)
        let connect = try #require(shop.secondCore)
        let other = try await connect()
        defer {
            Task {
                await shop.close()
                await other.close()
            }
        }
        let relay = try SMTPRecorder(folder: shop.folder.path + "/relay")
        let count = 200
        for index in 0..<count {
            _ = try await shop.store.register(
                merchant: Self.merchant,
                details: CustomerDetails(name: "Klant \(index)", email: "klant\(index)@example.nl"),
                consents: Consents(mail: true, profiling: false), card: nil)
        }
        let config = Self.config(relay)
        async let one = MailRun(database: shop.outbox, config: config).run()
        async let two = MailRun(database: other, config: config).run()
        let (a, b) = try await (one, two)
        #expect(a.first?.error == nil && b.first?.error == nil, "\(a) \(b)")
        #expect((a.first?.delivered ?? 0) + (b.first?.delivered ?? 0) == count, "\(a) \(b)")
        let recipients = relay.messages().map(\.recipient)
        #expect(recipients.count == count)
        #expect(Set(recipients) == Set((0..<count).map { "klant\($0)@example.nl" }))
        let counts = try await shop.outbox.outboxCounts(merchant: Self.merchant)
        #expect(counts.sent == count && counts.sending == 0 && counts.queued == 0)
    }

    /// A shop with a details link not yet mailed and a welcome mail not yet sent moves onto the
    /// chain (`loyalgate migrate`'s copy): the chain's pass sends both, and the link opens there.
    @Test(.enabled(if: PostgresServer.unavailable == nil, "PostgreSQL 15 is not installed"))
    func aMigratedShopsPendingLinkAndMailsAreSentFromTheChain() async throws {
        let folder = URL(fileURLWithPath: "/tmp/lg-chainmail-\(UUID().uuidString.prefix(8))")
        let number = try CardNumber(prefix: "2990001", serial: 701)
        do {
            let database = try LedgerDatabase(directory: folder)
            _ = try database.importProgram(
                try ProgramFile.read(contentsOf: Self.examples.appendingPathComponent("dutch-pharmacy.json")))
            try database.addCards(merchant: Self.merchant, numbers: [number])
            _ = try await database.register(
                merchant: Self.merchant, details: CustomerDetails(name: "Jan de Vries", email: "jan@example.nl"),
                consents: Consents(mail: true, profiling: false), card: number.digits)
            try await database.requestHolderLink(
                merchant: Self.merchant, card: number.digits, language: "de", now: Date())
            try database.close()
        }
        let url = try PostgresServer.shared().database().url
        let copied = try await ShopMigration.copy(from: folder, to: url)
        #expect(copied.rows["holder_link"] == 1 && copied.rows["mail_outbox"] == 2)
        let chain = try await PostgresLedger.connect(
            url: url, keyPath: folder.appendingPathComponent("keys/personal-data.key").path)
        defer { Task { await chain.close() } }
        let relay = try SMTPRecorder(folder: folder.path + "/relay")
        let summary = try await MailRun(database: chain, config: Self.config(relay)).run().first
        #expect(summary?.error == nil && summary?.delivered == 2, "\(String(describing: summary))")
        let kept = relay.messages().map { ReceivedMail($0.raw) }
        let subjects = kept.map { ReceivedMail.decodeWords($0.headers["subject"] ?? "") }
        #expect(subjects.contains("Welkom bij de klantenkaart van Apotheek De Linde"))
        // The link was asked for on the German page: the mail is in German, as on the shop.
        let linkMail = try #require(
            relay.messages().first {
                ReceivedMail($0.raw).parts["text/plain"]?.contains("https://shop.example.nl/p/") == true
            })
        let opened = try await chain.openHolderLink(merchant: nil, link: try Self.link(in: linkMail.raw), now: Date())
        #expect(try await chain.holderSession(merchant: nil, session: opened.session, now: Date()).customer == 1)
        #expect(subjects.contains("Ihr Link zu Ihren Daten bei Apotheek De Linde"))
    }
}
