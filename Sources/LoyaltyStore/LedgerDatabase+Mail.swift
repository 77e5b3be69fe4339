import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain
import PersonalData

/// A message as the outbox keeps it (sealed): the envelope and the bytes handed to the relay.
public struct RenderedMail: Sendable, Hashable, Codable {
    public var from: String
    public var to: String
    public var messageID: String
    public var data: Data

    public init(from: String, to: String, messageID: String, data: Data) {
        self.from = from
        self.to = to
        self.messageID = messageID
        self.data = data
    }
}

/// What a renderer is given for one mail: the customer's details, unsealed only for this.
public struct MailRecipient: Sendable {
    public let outboxID: Int64
    public let kind: String
    public let customerID: Int64
    public let details: CustomerDetails
    /// For the unsubscribe link: `LedgerDatabase.unsubscribe(token:)` turns consent off.
    public let unsubscribeToken: String
    public let merchant: Merchant
    /// The language the customer used when asking for this mail (the cardholder page's), if known.
    public var language: String? = nil
    /// A `holder-link` mail's one-time link (docs/cardholder.md).
    public var link: String? = nil
    /// A `program-end` mail's end date (docs/program-end.md).
    public var programEnds: String? = nil

    /// Mails the customer asked for (their details link) need no marketing consent and carry
    /// no unsubscribe link; every other kind is marketing.
    public var isMarketing: Bool { !LedgerDatabase.requestedMailKinds.contains(kind) }
    /// A mail to a segment (kind `segment`): what the staff wrote.
    public var mailing: MailingText? = nil

    public init(
        outboxID: Int64, kind: String, customerID: Int64, details: CustomerDetails, unsubscribeToken: String,
        merchant: Merchant
    ) {
        self.outboxID = outboxID
        self.kind = kind
        self.customerID = customerID
        self.details = details
        self.unsubscribeToken = unsubscribeToken
        self.merchant = merchant
    }
}

/// A mail taken for sending: marked in flight, with its attempts so far (this one included).
public struct ClaimedMail: Sendable {
    public let id: Int64
    public let mail: RenderedMail
    public let attempts: Int

    public init(id: Int64, mail: RenderedMail, attempts: Int) {
        self.id = id
        self.mail = mail
        self.attempts = attempts
    }
}

/// How one delivery attempt ended, as the outbox settles it.
public enum MailSettlement: Sendable, Hashable {
    case sent(answer: String)
    case retry(answer: String, at: Date)
    case failed(answer: String)
}

extension MailSettlement {
    /// The same settlement with its answer scrubbed of addresses (`scrubbedAnswer`).
    public var scrubbed: MailSettlement {
        switch self {
        case .sent(let answer): .sent(answer: LedgerDatabase.scrubbedAnswer(answer))
        case .retry(let answer, let at): .retry(answer: LedgerDatabase.scrubbedAnswer(answer), at: at)
        case .failed(let answer): .failed(answer: LedgerDatabase.scrubbedAnswer(answer))
        }
    }
}

/// The outbox's rows counted by state, for `loyalgate mail run`'s summary and the tests.
public struct OutboxCounts: Sendable, Hashable, Codable {
    public var queued = 0
    public var sending = 0
    public var sent = 0
    public var failed = 0
    public var cancelled = 0

    public init() {}

    /// Counts one outbox state as both stores store it (`mail_outbox.state`).
    public mutating func set(state: String, count: Int) {
        switch state {
        case "queued": queued = count
        case "sending": sending = count
        case "sent": sent = count
        case "failed": failed = count
        default: cancelled = count
        }
    }
}

/// What `loyalgate mail run` (Mail.MailRun) needs of a ledger's outbox, on either store: the
/// SQLite ledger (one pass at a time per data folder, DATA/mail.lock) or a chain's PostgreSQL
/// (passes on several hosts at once, each mail claimed by one of them). docs/mail.md.
public protocol MailOutbox: Sendable {
    /// Mails left in flight by a pass that died go back to the queue.
    func requeueInterruptedMails(merchant: String?) async throws -> Int
    func merchantTimeZone(_ code: String?) async throws -> TimeZone
    func enqueueBirthdayMails(merchant: String?, now: Date) async throws -> Int
    func enqueueProgramEndMails(merchant: String?, now: Date) async throws -> Int
    func dueMails(merchant: String?, now: Date, limit: Int) async throws -> [Int64]
    /// Takes one queued mail for sending (nil: not ours to send, or cancelled), settling the
    /// previous one in the same transaction.
    func claimMail(
        merchant: String?, id: Int64, settling previous: (id: Int64, settlement: MailSettlement)?,
        render: @escaping @Sendable (MailRecipient) throws -> RenderedMail?
    ) async throws -> ClaimedMail?
    func settleMail(id: Int64, _ settlement: MailSettlement) async throws
    func outboxCounts(merchant: String?) async throws -> OutboxCounts
}

extension LedgerDatabase: MailOutbox {}

/// The mail outbox (docs/mail.md): each mail recorded before it is sent, an in-flight mark
/// before the SMTP transaction, settled after it.
extension LedgerDatabase {
    /// Kinds the customer asked for themselves: sent without mail consent (to the address on
    /// file), never with an unsubscribe link.
    public static let requestedMailKinds: Set<String> = ["holder-link"]

    static func enqueueMail(_ db: Database, merchant: Merchant, customer: Int64, kind: String, key: String) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO mail_outbox (merchant_id, customer_id, kind, idempotency_key, state, next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, 'queued', ?, ?)
                """, arguments: [merchant.id, customer, kind, key, nowText(), nowText()])
    }

    /// An erased customer's mails lose their sealed copies (they hold the address) and the
    /// relay's answers (an answer from before the scrub could quote it); those not yet sent
    /// are cancelled.
    static func forgetMails(_ db: Database, customer: Int64, answer: String) throws {
        try db.execute(
            sql: """
                UPDATE mail_outbox SET state = CASE WHEN state IN ('queued', 'sending') THEN 'cancelled' ELSE state END,
                       last_answer = ?,
                       sealed_message = NULL, sealed_secret = NULL
                WHERE customer_id = ?
                """, arguments: [answer, customer])
    }

    /// Records a birthday mail for every consenting customer whose birthday is the merchant's
    /// local date at `now` (29 February falls on 28 February in other years). Idempotent: the
    /// key `birthday:CUSTOMER:YEAR` lets one through per year. Returns how many were new.
    ///
    /// Once a day per merchant (the day is marked in `meta`): finding birthdays opens every
    /// consenting customer's sealed record, too much for every 5-minute pass at a chain.
    public func enqueueBirthdayMails(merchant code: String?, now: Date) async throws -> Int {
        // The candidates are found (every consenting customer's record opened) in a read
        // transaction: at a chain with a million customers that takes long, and SQLite's write
        // lock held for it would keep the tills waiting. Only the few rows found are written.
        let scan = try await read { db -> (today: String, year: Int, customers: [Int64])? in
            let merchant = try Self.merchant(db, code: code)
            let today = Timestamp.localDate(now, timeZone: merchant.timeZone)
            guard
                try String.fetchOne(
                    db, sql: "SELECT value FROM meta WHERE key = ?", arguments: ["mail-birthdays:\(merchant.id)"])
                    != today
            else { return nil }
            let year = Int(today.prefix(4)) ?? 0
            var days = [String(today.dropFirst(5))]
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            if !leap && days[0] == "02-28" { days.append("02-29") }
            let rows = try Row.fetchCursor(
                db,
                sql:
                    "SELECT id, sealed FROM customer WHERE merchant_id = ? AND consent_mail = 1 AND erased_at IS NULL AND sealed IS NOT NULL",
                arguments: [merchant.id])
            var customers: [Int64] = []
            while let row = try rows.next() {
                let sealed: Data = row["sealed"]
                let details = try JSONDecoder().decode(
                    CustomerDetails.self, from: try self.cipher.open(sealed, context: self.sealingContext(merchant)))
                guard details.email != nil, let birth = details.birthDate, birth.count == 10,
                    days.contains(String(birth.dropFirst(5)))
                else { continue }
                customers.append(row["id"])
            }
            return (today, year, customers)
        }
        guard let scan else { return 0 }
        return try await write { db in
            let merchant = try Self.merchant(db, code: code)
            let mark = "mail-birthdays:\(merchant.id)"
            // Marked by another scan since this one read: its mails are recorded (the keys
            // would let none through twice anyway).
            guard try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [mark]) != scan.today
            else { return 0 }
            try db.execute(
                sql:
                    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                arguments: [mark, scan.today])
            var added = 0
            for id in scan.customers {
                try Self.enqueueMail(
                    db, merchant: merchant, customer: id, kind: "birthday", key: "birthday:\(id):\(scan.year)")
                added += db.changesCount
            }
            return added
        }
    }

    /// The merchant's time zone (birthdays are on the merchant's local date).
    public func merchantTimeZone(_ code: String?) async throws -> TimeZone {
        try await read { db in try Self.merchant(db, code: code).timeZone }
    }

    /// Mails left in flight by a pass that died (SIGKILL, power cut) go back to the queue and
    /// are sent again with the same message and Message-ID: the outbox is at-least-once for
    /// the one mail per pass that was between the relay's answer and its settle (docs/mail.md).
    public func requeueInterruptedMails(merchant code: String?) async throws -> Int {
        try await write { db in
            let merchant = try Self.merchant(db, code: code)
            try db.execute(
                sql: """
                    UPDATE mail_outbox SET state = 'queued', last_answer = 'interrupted while sending; sent again'
                    WHERE merchant_id = ? AND state = 'sending'
                    """, arguments: [merchant.id])
            return db.changesCount
        }
    }

    /// The ids of the mails due at `now`, oldest first.
    public func dueMails(merchant code: String?, now: Date, limit: Int) async throws -> [Int64] {
        try await read { db in
            let merchant = try Self.merchant(db, code: code)
            return try Int64.fetchAll(
                db,
                sql: """
                    SELECT id FROM mail_outbox WHERE merchant_id = ? AND state = 'queued' AND next_attempt_at <= ?
                    ORDER BY id LIMIT ?
                    """, arguments: [merchant.id, Timestamp.format(now), limit])
        }
    }

    /// Takes one queued mail for sending, in one transaction: a customer who no longer
    /// consents (or was erased, or has no address) has the mail cancelled and nil comes back;
    /// otherwise the message is rendered once (kept sealed, so a retry sends the same bytes),
    /// the row is marked in flight and the message returned for the relay.
    ///
    /// `settling` is the previous mail's answer, recorded in the same transaction: one commit
    /// (one fsync) per mail instead of two, with the same guarantees, since the settle is
    /// committed before this mail's SMTP transaction starts.
    public func claimMail(
        merchant code: String?, id: Int64, settling previous: (id: Int64, settlement: MailSettlement)? = nil,
        render: @escaping @Sendable (MailRecipient) throws -> RenderedMail?
    ) async throws -> ClaimedMail? {
        try await write { db in
            if let previous { try Self.settle(db, id: previous.id, previous.settlement) }
            let merchant = try Self.merchant(db, code: code)
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM mail_outbox WHERE id = ? AND merchant_id = ? AND state = 'queued'",
                    arguments: [id, merchant.id])
            else { return nil }
            let customerID: Int64 = row["customer_id"]
            // The customer's row alone (not `record`, which gathers cards and accounts too):
            // this runs once per mail, 10,000 times in a campaign.
            let customer = try Row.fetchOne(
                db, sql: "SELECT consent_mail, erased_at, sealed FROM customer WHERE id = ?", arguments: [customerID])
            let details = try (customer?["sealed"] as Data?).map {
                try JSONDecoder().decode(
                    CustomerDetails.self, from: try self.cipher.open($0, context: self.sealingContext(merchant)))
            }
            let kind: String = row["kind"]
            let requested = Self.requestedMailKinds.contains(kind)
            guard let customer, requested || customer["consent_mail"] as Bool, customer["erased_at"] as String? == nil,
                let details, details.email != nil
            else {
                try db.execute(
                    sql: """
                        UPDATE mail_outbox SET state = 'cancelled', sealed_message = NULL, sealed_secret = NULL, settled_at = ?,
                               last_answer = 'not sent: the customer does not consent to mail or has no address'
                        WHERE id = ?
                        """, arguments: [nowText(), id])
                return nil
            }
            // A details link that expired while the relay was unreachable would only disappoint.
            if kind == "holder-link", row["sealed_message"] as Data? == nil,
                let expires = try String.fetchOne(
                    db, sql: "SELECT expires_at FROM holder_link WHERE 'holder-link:' || id = ?",
                    arguments: [row["idempotency_key"] as String]),
                try Timestamp.read(expires) <= Date()
            {
                try db.execute(
                    sql: """
                        UPDATE mail_outbox SET state = 'cancelled', sealed_secret = NULL, settled_at = ?,
                               last_answer = 'not sent: the link expired before it could be sent'
                        WHERE id = ?
                        """, arguments: [nowText(), id])
                return nil
            }
            let context = "mail:\(merchant.id)"
            let rendered: RenderedMail
            if let sealed = row["sealed_message"] as Data? {
                rendered = try JSONDecoder().decode(
                    RenderedMail.self, from: try self.cipher.open(sealed, context: context))
            } else {
                var recipient = MailRecipient(
                    outboxID: id, kind: kind, customerID: customerID, details: details,
                    unsubscribeToken: self.unsubscribeToken(merchant: merchant.id, customer: customerID),
                    merchant: merchant)
                recipient.language = row["language"]
                if let secret = row["sealed_secret"] as Data? {
                    recipient.link = String(decoding: try self.cipher.open(secret, context: context), as: UTF8.self)
                }
                if kind == "program-end" { recipient.programEnds = try Self.programEnd(db, merchant: merchant) }
                recipient.mailing = try (row["mailing_id"] as Int64?).flatMap { try self.mailingText(db, id: $0) }
                guard let made = try render(recipient) else {
                    try db.execute(
                        sql: """
                            UPDATE mail_outbox SET state = 'failed', settled_at = ?,
                                   last_answer = 'not sent: the address cannot be mailed'
                            WHERE id = ?
                            """, arguments: [nowText(), id])
                    return nil
                }
                rendered = made
                try db.execute(
                    sql:
                        "UPDATE mail_outbox SET sealed_message = ?, message_id = ?, sealed_secret = NULL WHERE id = ?",
                    arguments: [
                        try self.cipher.seal(try Self.answerEncoder.encode(made), context: context), made.messageID, id,
                    ])
            }
            try db.execute(
                sql: "UPDATE mail_outbox SET state = 'sending', attempts = attempts + 1 WHERE id = ?", arguments: [id])
            return ClaimedMail(id: id, mail: rendered, attempts: (row["attempts"] as Int) + 1)
        }
    }

    /// Records what the relay answered to a mail in flight.
    public func settleMail(id: Int64, _ settlement: MailSettlement) async throws {
        try await write { db in try Self.settle(db, id: id, settlement) }
    }

    /// A relay's answer as the outbox keeps it: relays quote the recipient back (Postfix's
    /// `550 5.1.1 <jan@example.nl>: Recipient address rejected`), and the outbox keeps no
    /// personal data in clear, so anything in angle brackets or shaped like an address goes.
    public static func scrubbedAnswer(_ answer: String) -> String {
        // Built from strings, not literals: the patterns are fixed and valid.
        guard let bracketed = try? Regex(#"<[^>]*>"#),
            let address = try? Regex(#"[^\s<>"'(),;:\[\]]+@[^\s<>"'(),;:\[\]]+"#)
        else { return "(answer not kept)" }
        return answer.replacing(bracketed, with: "<address>").replacing(address, with: "(address)")
    }

    static func settle(_ db: Database, id: Int64, _ settlement: MailSettlement) throws {
        switch settlement.scrubbed {
        case .sent(let answer):
            try db.execute(
                sql: "UPDATE mail_outbox SET state = 'sent', last_answer = ?, settled_at = ? WHERE id = ?",
                arguments: [answer, nowText(), id])
        case .retry(let answer, let at):
            try db.execute(
                sql: "UPDATE mail_outbox SET state = 'queued', last_answer = ?, next_attempt_at = ? WHERE id = ?",
                arguments: [answer, Timestamp.format(at), id])
        case .failed(let answer):
            try db.execute(
                sql: "UPDATE mail_outbox SET state = 'failed', last_answer = ?, settled_at = ? WHERE id = ?",
                arguments: [answer, nowText(), id])
        }
    }

    /// How many attempts a mail has had (for the backoff of the next).
    public func mailAttempts(id: Int64) async throws -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT attempts FROM mail_outbox WHERE id = ?", arguments: [id]) ?? 0
        }
    }

    public func outboxCounts(merchant code: String?) async throws -> OutboxCounts {
        try await read { db in
            let merchant = try Self.merchant(db, code: code)
            var counts = OutboxCounts()
            for row in try Row.fetchAll(
                db, sql: "SELECT state, COUNT(*) AS n FROM mail_outbox WHERE merchant_id = ? GROUP BY state",
                arguments: [merchant.id])
            {
                counts.set(state: row["state"], count: row["n"])
            }
            return counts
        }
    }

    /// `MERCHANT.CUSTOMER.TAG`: the tag is an HMAC with a key only the core holds (derived from
    /// the personal-data key), so a link cannot be made up for another customer.
    func unsubscribeToken(merchant: Int64, customer: Int64) -> String {
        Self.unsubscribeToken(cipher, merchant: merchant, customer: customer)
    }

    /// The token itself, made with `cipher` (both stores).
    public static func unsubscribeToken(_ cipher: PersonalDataCipher, merchant: Int64, customer: Int64) -> String {
        let tag = cipher.tag("unsubscribe", "\(merchant):\(customer)").prefix(16).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "\(merchant).\(customer).\(tag)"
    }

    /// The (merchant id, customer id) an unsubscribe token made with `cipher` names, or the
    /// one refusal for a token not made by this core (both stores).
    public static func unsubscribeTarget(_ cipher: PersonalDataCipher, token: String) throws -> (
        merchant: Int64, customer: Int64
    ) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 256, parts.count == 3, let merchant = Int64(parts[0]),
            let customer = Int64(parts[1])
        else { throw unsubscribeInvalid }
        // Compared in constant time (as CardholderTokens does): how long a refusal takes says
        // nothing about a right prefix of the tag.
        let expected = Array(unsubscribeToken(cipher, merchant: merchant, customer: customer).utf8)
        let given = Array(token.utf8)
        var difference: UInt8 = expected.count == given.count ? 0 : 1
        for (a, b) in zip(expected, given) { difference |= a ^ b }
        guard difference == 0 else { throw unsubscribeInvalid }
        return (merchant, customer)
    }

    public static let unsubscribeInvalid = LoyaltyError(.badRequest, "That unsubscribe link is not valid.")

    /// The unsubscribe link's op (`mail.unsubscribe`): turns the customer's mail consent off
    /// and cancels the mails not yet sent. A token not made by this core, or for another
    /// merchant than the caller's, is refused. Without a merchant (the web page's link) the
    /// merchant is the one the verified token names, also at a core with several merchants.
    @discardableResult
    public func unsubscribe(merchant code: String?, token: String) async throws -> Int64 {
        let invalid = Self.unsubscribeInvalid
        let (merchant, customer) = try Self.unsubscribeTarget(cipher, token: token)
        return try await write { db in
            if let code {
                guard try Self.merchant(db, code: code).id == merchant else { throw invalid }
            } else {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM merchant WHERE id = ?", arguments: [merchant]) != nil
                else { throw invalid }
            }
            try db.execute(
                sql: "UPDATE customer SET consent_mail = 0, updated_at = ? WHERE id = ? AND merchant_id = ?",
                arguments: [nowText(), customer, merchant])
            try db.execute(
                sql: """
                    UPDATE mail_outbox SET state = 'cancelled', sealed_message = NULL, sealed_secret = NULL, settled_at = ?,
                           last_answer = 'not sent: the customer unsubscribed'
                    WHERE customer_id = ? AND state = 'queued' AND kind != 'holder-link'
                    """, arguments: [nowText(), customer])
            return customer
        }
    }
}
