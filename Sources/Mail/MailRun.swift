import CardDesign
import Foundation
import LoyaltyDomain
import LoyaltyStore

/// One pass of `loyalgate mail run` for each merchant in the mail settings: mails left in
/// flight by a pass that died go back to the queue, today's birthday mails are recorded, then
/// every due mail is sent at the merchant's rate, 4xx answers rescheduled with backoff, 5xx
/// recorded as failed. docs/mail.md. The outbox is a shop's SQLite ledger or a chain's
/// PostgreSQL database (`MailOutbox`).
public struct MailRun: Sendable {
    public let database: any MailOutbox
    public let config: MailConfig

    public init(database: any MailOutbox, config: MailConfig) {
        self.database = database
        self.config = config
    }

    public struct Summary: Sendable, Codable {
        public var merchant: String
        public var requeued = 0
        public var birthdaysRecorded = 0
        /// End notices recorded by this pass for customers who consented since the announcement.
        public var programEndRecorded = 0
        public var delivered = 0
        public var retryLater = 0
        public var failed = 0
        public var skipped = 0
        public var outbox = OutboxCounts()
        /// Why this merchant's pass stopped early (the other merchants' passes still ran).
        public var error: String? = nil
    }

    public func run(now: @escaping @Sendable () -> Date = Date.init) async throws -> [Summary] {
        var summaries: [Summary] = []
        for code in config.merchants.keys.sorted() {
            // One merchant's failure (its ledger busy past the timeout, its relay settings
            // wrong) must not stop the mail of the others: it is reported in the summary.
            do {
                summaries.append(try await run(merchant: code, now: now))
            } catch {
                var failed = Summary(merchant: code)
                failed.error = "\(error)"
                summaries.append(failed)
            }
        }
        return summaries
    }

    func run(merchant code: String, now: @escaping @Sendable () -> Date) async throws -> Summary {
        guard let settings = config.merchants[code] else {
            throw MailConfig.ConfigError(description: "No settings for \(code).")
        }
        var summary = Summary(merchant: code)
        summary.requeued = try await database.requeueInterruptedMails(merchant: code)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try await database.merchantTimeZone(code)
        if calendar.component(.hour, from: now()) >= (settings.birthdayHour ?? 9) {
            summary.birthdaysRecorded = try await database.enqueueBirthdayMails(merchant: code, now: now())
        }
        summary.programEndRecorded = try await database.enqueueProgramEndMails(merchant: code, now: now())
        let sender = try SMTPSender(settings: settings.relay)
        let interval = 60.0 / Double(settings.ratePerMinute)
        var lastSend: ContinuousClock.Instant?
        // A mail retried within this pass (retryBaseSeconds 0) is not taken twice in one pass.
        var seen = Set<Int64>()
        let render = Self.renderer(settings)
        // The previous mail's answer, recorded with the next claim (one commit per mail), or
        // on its own before any wait, so a settle is never held back by the rate.
        var pending: (id: Int64, settlement: MailSettlement)?
        while true {
            let due = try await database.dueMails(merchant: code, now: now(), limit: 500).filter { !seen.contains($0) }
            guard !due.isEmpty else { break }
            for id in due {
                seen.insert(id)
                if let lastSend {
                    let next = lastSend.advanced(by: .seconds(interval))
                    if next > .now {
                        if let settled = pending {
                            try await database.settleMail(id: settled.id, settled.settlement)
                            pending = nil
                        }
                        try await Task.sleep(until: next, clock: .continuous)
                    }
                }
                let claimed: ClaimedMail?
                do {
                    claimed = try await database.claimMail(merchant: code, id: id, settling: pending, render: render)
                    pending = nil
                } catch {
                    // The claim's rollback took the previous mail's settle with it: it is
                    // recorded on its own, or the delivered mail would be sent again by every
                    // later pass. The mail that could not be claimed fails alone; its reason
                    // names no customer (the error could quote their record).
                    if let settled = pending {
                        try await database.settleMail(id: settled.id, settled.settlement)
                        pending = nil
                    }
                    try await database.settleMail(
                        id: id, .failed(answer: "not sent: the mail could not be prepared (\(type(of: error)))"))
                    summary.failed += 1
                    continue
                }
                guard let claimed else {
                    summary.skipped += 1
                    continue
                }
                lastSend = .now
                let outcome = sender.send(from: claimed.mail.from, to: claimed.mail.to, message: claimed.mail.data)
                switch outcome {
                case .delivered(let answer):
                    pending = (id, .sent(answer: answer))
                    summary.delivered += 1
                case .permanentFailure(let answer):
                    pending = (id, .failed(answer: answer))
                    summary.failed += 1
                case .temporaryFailure(let answer):
                    if claimed.attempts >= (settings.maxAttempts ?? 10) {
                        pending = (id, .failed(answer: "gave up after \(claimed.attempts) attempts: \(answer)"))
                        summary.failed += 1
                    } else {
                        let delay = Self.backoff(base: settings.retryBaseSeconds ?? 60, attempts: claimed.attempts)
                        pending = (id, .retry(answer: answer, at: now().addingTimeInterval(delay)))
                        summary.retryLater += 1
                    }
                }
            }
            if let settled = pending {
                try await database.settleMail(id: settled.id, settled.settlement)
                pending = nil
            }
        }
        summary.outbox = try await database.outboxCounts(merchant: code)
        return summary
    }

    /// base, 2 base, 4 base... after the 1st, 2nd, 3rd attempt, at most 6 hours.
    static func backoff(base: Int, attempts: Int) -> TimeInterval {
        let factor = Double(1 << min(max(attempts - 1, 0), 20))
        return min(Double(base) * factor, 6 * 3600)
    }

    /// Composes a mail for the outbox: nil when the customer's address cannot be mailed (it
    /// is then recorded as failed without reaching the relay).
    static func renderer(_ settings: MailConfig.MerchantMail) -> @Sendable (MailRecipient) throws -> RenderedMail? {
        // Read once per pass: the design's logo is the same for every mail.
        let style = settings.design.flatMap { HouseStyle.load(designPath: $0) }
        let web = MailConfig.webBase(settings)
        return { recipient in
            guard let email = recipient.details.email?.trimmingCharacters(in: .whitespaces) else { return nil }
            let to = MailAddress(email, name: recipient.details.name)
            guard to.isValid, var link = URLComponents(string: settings.unsubscribeURL) else { return nil }
            link.queryItems = (link.queryItems ?? []) + [URLQueryItem(name: "t", value: recipient.unsubscribeToken)]
            // Only marketing carries an unsubscribe link: the details link was asked for.
            let unsubscribe = recipient.isMarketing ? link.url : nil
            guard !recipient.isMarketing || unsubscribe != nil else { return nil }
            let shop = settings.from.name ?? recipient.merchant.name
            let language = recipient.language ?? settings.language
            let content: MailTemplates.Content
            if let mailing = recipient.mailing, let unsubscribe {
                content = MailTemplates.content(
                    mailing: mailing, language: language, shop: shop, name: recipient.details.name,
                    unsubscribe: unsubscribe, style: style)
            } else {
                let facts = MailTemplates.Facts(
                    link: recipient.link.flatMap { URL(string: web + "/p/" + $0) }, endDate: recipient.programEnds)
                guard
                    let made = MailTemplates.content(
                        kind: recipient.kind, language: language, shop: shop, name: recipient.details.name,
                        unsubscribe: unsubscribe, style: style, facts: facts)
                else { return nil }
                content = made
            }
            let message = MailMessage(
                from: settings.from, to: to, subject: content.subject, text: content.text, html: content.html,
                date: Date(),
                messageID: MailMessage.newID(prefix: "outbox-\(recipient.outboxID)", sender: settings.from),
                unsubscribe: unsubscribe, logo: style?.logo.map { Data($0) })
            return RenderedMail(
                from: settings.from.address, to: to.address, messageID: message.messageID, data: message.rendered())
        }
    }
}
