import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PersonalData
import PostgresNIO

// The mail outbox on a chain's PostgreSQL (docs/mail.md), as the SQLite store's
// LedgerDatabase+Mail, for `loyalgate mail run --database postgres://...`. Passes may run on
// several hosts at once (each host's timer): a mail is claimed in a transaction that locks its
// row and skips rows another pass holds (`FOR UPDATE SKIP LOCKED`), and only a queued row is
// claimed, so each mail is taken by exactly one pass. A claimed mail carries a lease
// (`next_attempt_at` of a row in flight): only a mail in flight past its lease is taken back
// as interrupted, never one another pass is still sending.
extension PostgresLedger: MailOutbox {
    /// How long a pass may hold a mail in flight before another pass takes it as interrupted:
    /// far longer than one SMTP transaction (libcurl gives up on a relay within minutes).
    public static let mailLease: TimeInterval = 15 * 60

    public func requeueInterruptedMails(merchant code: String?) async throws -> Int {
        try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            return try await connection.rows(
                """
                UPDATE mail_outbox SET state = 'queued', last_answer = 'interrupted while sending; sent again'
                WHERE merchant_id = \(merchant.id) AND state = 'sending' AND next_attempt_at <= \(Timestamp.format(Date()))
                RETURNING id
                """, logger: self.logger
            ).count
        }
    }

    public func merchantTimeZone(_ code: String?) async throws -> TimeZone {
        try await read { connection in try await self.merchant(connection, code: code).timeZone }
    }

    /// Birthday mails on the merchant's local date, once a day per merchant (marked in `meta`),
    /// as on SQLite: the candidates are found outside any transaction (every consenting record
    /// is opened), then the few found are recorded; the keys let none through twice, also when
    /// two passes scan at once.
    public func enqueueBirthdayMails(merchant code: String?, now: Date) async throws -> Int {
        let cipher = try keys.cipher
        let scan = try await read { connection -> (today: String, year: Int, customers: [Int64])? in
            let merchant = try await self.merchant(connection, code: code)
            let today = Timestamp.localDate(now, timeZone: merchant.timeZone)
            let mark = "mail-birthdays:\(merchant.id)"
            guard
                try await connection.row("SELECT value FROM meta WHERE key = \(mark)", logger: self.logger)?.text(
                    "value") != today
            else { return nil }
            let year = Int(today.prefix(4)) ?? 0
            var days = [String(today.dropFirst(5))]
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            if !leap && days[0] == "02-28" { days.append("02-29") }
            var customers: [Int64] = []
            let rows = try await connection.query(
                """
                SELECT id, sealed FROM customer
                WHERE merchant_id = \(merchant.id) AND consent_mail = 1 AND erased_at IS NULL AND sealed IS NOT NULL
                """, logger: self.logger)
            for try await (id, sealed) in rows.decode((Int64, Data).self) {
                let details = try JSONDecoder().decode(
                    CustomerDetails.self, from: try cipher.open(sealed, context: self.sealingContext(merchant)))
                guard details.email != nil, let birth = details.birthDate, birth.count == 10,
                    days.contains(String(birth.dropFirst(5)))
                else { continue }
                customers.append(id)
            }
            return (today, year, customers)
        }
        guard let scan else { return 0 }
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            let mark = "mail-birthdays:\(merchant.id)"
            try await connection.run(
                """
                INSERT INTO meta (key, value) VALUES (\(mark), \(scan.today))
                ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """, logger: self.logger)
            var added = 0
            for id in scan.customers {
                added += try await self.enqueueMail(
                    connection, merchant: merchant, customer: id, kind: "birthday", key: "birthday:\(id):\(scan.year)")
            }
            return added
        }
    }

    /// End notices for customers who consented since the announcement, until the last day.
    public func enqueueProgramEndMails(merchant code: String?, now: Date) async throws -> Int {
        try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            guard let end = try await self.programEnd(connection, merchant: merchant),
                Timestamp.localDate(now, timeZone: merchant.timeZone) <= end
            else { return 0 }
            let at = Timestamp.format(Date())
            return try await connection.rows(
                """
                INSERT INTO mail_outbox (merchant_id, customer_id, kind, idempotency_key, state, next_attempt_at, created_at)
                SELECT merchant_id, id, 'program-end', 'program-end:' || id, 'queued', \(at), \(at)
                FROM customer WHERE merchant_id = \(merchant.id) AND consent_mail = 1 AND erased_at IS NULL AND sealed IS NOT NULL
                ON CONFLICT (merchant_id, idempotency_key) DO NOTHING RETURNING id
                """, logger: self.logger
            ).count
        }
    }

    /// Records one mail unless its key was recorded before; 1 when it is new.
    func enqueueMail(_ connection: PostgresConnection, merchant: Merchant, customer: Int64, kind: String, key: String)
        async throws -> Int
    {
        let at = Timestamp.format(Date())
        return try await connection.rows(
            """
            INSERT INTO mail_outbox (merchant_id, customer_id, kind, idempotency_key, state, next_attempt_at, created_at)
            VALUES (\(merchant.id), \(customer), \(kind), \(key), 'queued', \(at), \(at))
            ON CONFLICT (merchant_id, idempotency_key) DO NOTHING RETURNING id
            """, logger: logger
        ).count
    }

    /// An erased customer's mails lose their sealed copies and the relay's answers; those not
    /// yet sent are cancelled (as on SQLite).
    func forgetMails(_ connection: PostgresConnection, customer: Int64, answer: String) async throws {
        try await connection.run(
            """
            UPDATE mail_outbox SET state = CASE WHEN state IN ('queued', 'sending') THEN 'cancelled' ELSE state END,
                   last_answer = \(answer), sealed_message = NULL, sealed_secret = NULL
            WHERE customer_id = \(customer)
            """, logger: logger)
    }

    public func dueMails(merchant code: String?, now: Date, limit: Int) async throws -> [Int64] {
        try await read { connection in
            let merchant = try await self.merchant(connection, code: code)
            return try await connection.rows(
                """
                SELECT id FROM mail_outbox
                WHERE merchant_id = \(merchant.id) AND state = 'queued' AND next_attempt_at <= \(Timestamp.format(now))
                ORDER BY id LIMIT \(Int64(limit))
                """, logger: self.logger
            ).map { try $0.int("id") }
        }
    }

    /// Takes one queued mail for sending, as on SQLite (cancelled without consent or address,
    /// rendered once and kept sealed, marked in flight); nil as well when another pass holds
    /// or took it.
    public func claimMail(
        merchant code: String?, id: Int64, settling previous: (id: Int64, settlement: MailSettlement)?,
        render: @escaping @Sendable (MailRecipient) throws -> RenderedMail?
    ) async throws -> ClaimedMail? {
        let cipher = try keys.cipher
        return try await transaction { connection in
            if let previous { try await self.settle(connection, id: previous.id, previous.settlement) }
            let merchant = try await self.merchant(connection, code: code)
            guard
                let row = try await connection.row(
                    """
                    SELECT customer_id, kind, idempotency_key, sealed_message, attempts, language, sealed_secret, mailing_id
                    FROM mail_outbox WHERE id = \(id) AND merchant_id = \(merchant.id) AND state = 'queued'
                    FOR UPDATE SKIP LOCKED
                    """, logger: self.logger)
            else { return nil }
            let now = Timestamp.format(Date())
            let customerID = try row.int("customer_id")
            let customer = try await connection.row(
                "SELECT consent_mail, erased_at, sealed FROM customer WHERE id = \(customerID)", logger: self.logger)
            let details = try customer?.bytes("sealed").map {
                try JSONDecoder().decode(
                    CustomerDetails.self, from: try cipher.open($0, context: self.sealingContext(merchant)))
            }
            let kind = try row.text("kind")
            let requested = LedgerDatabase.requestedMailKinds.contains(kind)
            guard let customer, try requested || customer.int("consent_mail") != 0,
                try customer.optionalText("erased_at") == nil, let details, details.email != nil
            else {
                try await connection.run(
                    """
                    UPDATE mail_outbox SET state = 'cancelled', sealed_message = NULL, sealed_secret = NULL, settled_at = \(now),
                           last_answer = 'not sent: the customer does not consent to mail or has no address'
                    WHERE id = \(id)
                    """, logger: self.logger)
                return nil
            }
            let sealedMessage = try row.bytes("sealed_message")
            // A details link that expired while the relay was unreachable would only disappoint.
            if kind == "holder-link", sealedMessage == nil,
                let link = LedgerDatabase.holderLinkID(mailKey: try row.text("idempotency_key")),
                let expires = try await connection.row(
                    "SELECT expires_at FROM holder_link WHERE id = \(link)", logger: self.logger)?.text("expires_at"),
                try Timestamp.read(expires) <= Date()
            {
                try await connection.run(
                    """
                    UPDATE mail_outbox SET state = 'cancelled', sealed_secret = NULL, settled_at = \(now),
                           last_answer = 'not sent: the link expired before it could be sent'
                    WHERE id = \(id)
                    """, logger: self.logger)
                return nil
            }
            let context = LedgerDatabase.mailSealingContext(merchant: merchant.id)
            let rendered: RenderedMail
            if let sealedMessage {
                rendered = try JSONDecoder().decode(
                    RenderedMail.self, from: try cipher.open(sealedMessage, context: context))
            } else {
                var recipient = MailRecipient(
                    outboxID: id, kind: kind, customerID: customerID, details: details,
                    unsubscribeToken: LedgerDatabase.unsubscribeToken(
                        cipher, merchant: merchant.id, customer: customerID),
                    merchant: merchant)
                recipient.language = try row.optionalText("language")
                if let secret = try row.bytes("sealed_secret") {
                    recipient.link = String(decoding: try cipher.open(secret, context: context), as: UTF8.self)
                }
                if kind == "program-end" {
                    recipient.programEnds = try await self.programEnd(connection, merchant: merchant)
                }
                // A mailing to a segment: what the staff wrote (segment.mail).
                if let mailing = try row.optionalInt("mailing_id"),
                    let text = try await connection.row(
                        "SELECT subject, body FROM mailing WHERE id = \(mailing)", logger: self.logger)
                {
                    recipient.mailing = MailingText(subject: try text.text("subject"), text: try text.text("body"))
                }
                guard let made = try render(recipient) else {
                    try await connection.run(
                        """
                        UPDATE mail_outbox SET state = 'failed', settled_at = \(now),
                               last_answer = 'not sent: the address cannot be mailed'
                        WHERE id = \(id)
                        """, logger: self.logger)
                    return nil
                }
                rendered = made
                let sealed = try cipher.seal(try LedgerRules.encodedData(made), context: context)
                try await connection.run(
                    """
                    UPDATE mail_outbox SET sealed_message = \(sealed), message_id = \(made.messageID), sealed_secret = NULL
                    WHERE id = \(id)
                    """, logger: self.logger)
            }
            let lease = Timestamp.format(Date().addingTimeInterval(Self.mailLease))
            try await connection.run(
                """
                UPDATE mail_outbox SET state = 'sending', attempts = attempts + 1, next_attempt_at = \(lease)
                WHERE id = \(id)
                """, logger: self.logger)
            return ClaimedMail(id: id, mail: rendered, attempts: Int(try row.int("attempts")) + 1)
        }
    }

    public func settleMail(id: Int64, _ settlement: MailSettlement) async throws {
        try await transaction { connection in try await self.settle(connection, id: id, settlement) }
    }

    func settle(_ connection: PostgresConnection, id: Int64, _ settlement: MailSettlement) async throws {
        let now = Timestamp.format(Date())
        switch settlement.scrubbed {
        case .sent(let answer):
            try await connection.run(
                "UPDATE mail_outbox SET state = 'sent', last_answer = \(answer), settled_at = \(now) WHERE id = \(id)",
                logger: logger)
        case .retry(let answer, let at):
            try await connection.run(
                """
                UPDATE mail_outbox SET state = 'queued', last_answer = \(answer), next_attempt_at = \(Timestamp.format(at))
                WHERE id = \(id)
                """, logger: logger)
        case .failed(let answer):
            try await connection.run(
                "UPDATE mail_outbox SET state = 'failed', last_answer = \(answer), settled_at = \(now) WHERE id = \(id)",
                logger: logger)
        }
    }

    public func outboxCounts(merchant code: String?) async throws -> OutboxCounts {
        try await read { connection in
            let merchant = try await self.merchant(connection, code: code)
            var counts = OutboxCounts()
            for row in try await connection.rows(
                "SELECT state, COUNT(*) AS n FROM mail_outbox WHERE merchant_id = \(merchant.id) GROUP BY state",
                logger: self.logger)
            {
                counts.set(state: try row.text("state"), count: Int(try row.int("n")))
            }
            return counts
        }
    }

    /// A mail's unsubscribe link (`mail.unsubscribe`), as on SQLite: mail consent off, the
    /// marketing mails not yet sent cancelled.
    @discardableResult
    public func unsubscribe(merchant code: String?, token: String) async throws -> Int64 {
        let invalid = LedgerDatabase.unsubscribeInvalid
        let (merchant, customer) = try LedgerDatabase.unsubscribeTarget(try keys.cipher, token: token)
        return try await transaction { connection in
            if let code {
                guard try await self.merchant(connection, code: code).id == merchant else { throw invalid }
            } else {
                guard
                    try await connection.row(
                        "SELECT 1 AS one FROM merchant WHERE id = \(merchant)", logger: self.logger)
                        != nil
                else { throw invalid }
            }
            let now = Timestamp.format(Date())
            try await connection.run(
                """
                UPDATE customer SET consent_mail = 0, updated_at = \(now)
                WHERE id = \(customer) AND merchant_id = \(merchant)
                """, logger: self.logger)
            try await connection.run(
                """
                UPDATE mail_outbox SET state = 'cancelled', sealed_message = NULL, sealed_secret = NULL, settled_at = \(now),
                       last_answer = 'not sent: the customer unsubscribed'
                WHERE customer_id = \(customer) AND state = 'queued' AND kind != 'holder-link'
                """, logger: self.logger)
            return customer
        }
    }
}
