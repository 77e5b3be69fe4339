import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PersonalData
import PostgresNIO

// The cardholder's one-time links to their details (docs/cardholder.md), as the SQLite store's
// LedgerDatabase+HolderLinks, with its rules (lifetimes, the hourly limit, the keyed hashes,
// the one refusal). Several cores share the database: the customer's row is locked while a
// link is recorded (the hourly limit holds across cores), and the link's row while it is used
// (two cores opening one link at once give one session; the other gets the refusal).
extension PostgresLedger {
    /// `cardholder.link`: nothing is said back, whether a mail was recorded or not.
    public func requestHolderLink(merchant code: String, card: String, language: String?, now: Date) async throws {
        let cipher = try keys.cipher
        try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            guard
                let customer = try await connection.row(
                    """
                    SELECT customer.id FROM card JOIN account ON account.id = card.account_id
                    JOIN customer ON customer.id = account.customer_id
                    WHERE card.merchant_id = \(merchant.id) AND card.number = \(card) AND customer.erased_at IS NULL
                          AND customer.sealed IS NOT NULL
                    FOR UPDATE OF customer
                    """, logger: self.logger)?.int("id")
            else { return }
            let since = Timestamp.format(now.addingTimeInterval(-3600))
            let recent =
                try await connection.row(
                    "SELECT COUNT(*) AS n FROM holder_link WHERE customer_id = \(customer) AND created_at > \(since)",
                    logger: self.logger)?.int("n") ?? 0
            guard recent < LedgerDatabase.holderLinksPerHour else { return }
            let link = LedgerDatabase.randomSecret()
            let expires = Timestamp.format(now.addingTimeInterval(LedgerDatabase.holderLinkLifetime))
            guard
                let id = try await connection.row(
                    """
                    INSERT INTO holder_link (merchant_id, customer_id, link_hash, created_at, expires_at)
                    VALUES (\(merchant.id), \(customer), \(LedgerDatabase.holderLinkHash(cipher, link: link)),
                            \(Timestamp.format(now)), \(expires))
                    RETURNING id
                    """, logger: self.logger)?.int("id")
            else { return }
            let at = Timestamp.format(Date())
            let secret = try cipher.seal(
                Data(link.utf8), context: LedgerDatabase.mailSealingContext(merchant: merchant.id))
            try await connection.run(
                """
                INSERT INTO mail_outbox (merchant_id, customer_id, kind, idempotency_key, state, next_attempt_at,
                                         created_at, language, sealed_secret)
                VALUES (\(merchant.id), \(customer), 'holder-link', \(LedgerDatabase.holderLinkMailKey(id)), 'queued',
                        \(at), \(at), \(language), \(secret))
                """, logger: self.logger)
        }
    }

    /// `cardholder.open`: the link used up, a session opened.
    public func openHolderLink(merchant code: String?, link: String, now: Date) async throws -> CardholderSessionAnswer
    {
        let refused = LedgerDatabase.holderLinkRefused
        guard LedgerDatabase.plausibleHolderSecret(link) else { throw refused }
        let cipher = try keys.cipher
        return try await transaction { connection in
            // FOR UPDATE: a second core opening the same link waits here, then reads it used.
            guard
                let row = try await connection.row(
                    """
                    SELECT holder_link.id, holder_link.expires_at, holder_link.used_at, merchant.code,
                           customer.erased_at
                    FROM holder_link JOIN merchant ON merchant.id = holder_link.merchant_id
                    JOIN customer ON customer.id = holder_link.customer_id
                    WHERE holder_link.link_hash = \(LedgerDatabase.holderLinkHash(cipher, link: link))
                    FOR UPDATE OF holder_link
                    """, logger: self.logger),
                try code == nil || code == row.text("code"), try row.optionalText("used_at") == nil,
                try row.optionalText("erased_at") == nil, try Timestamp.read(try row.text("expires_at")) > now
            else { throw refused }
            let session = LedgerDatabase.randomSecret()
            let expires = now.addingTimeInterval(LedgerDatabase.holderSessionLifetime)
            // Guarded as well: only an unused link is ever marked used.
            let used = try await connection.rows(
                """
                UPDATE holder_link SET used_at = \(Timestamp.format(now)),
                       session_hash = \(LedgerDatabase.holderSessionHash(cipher, session: session)),
                       session_expires_at = \(Timestamp.format(expires))
                WHERE id = \(try row.int("id")) AND used_at IS NULL
                RETURNING id
                """, logger: self.logger)
            guard used.count == 1 else { throw refused }
            return CardholderSessionAnswer(session: session, expires: Timestamp.format(expires))
        }
    }

    /// The customer a details session belongs to, while it lasts.
    public func holderSession(merchant code: String?, session: String, now: Date) async throws -> HolderSession {
        let ended = LedgerDatabase.holderSessionEnded
        guard LedgerDatabase.plausibleHolderSecret(session) else { throw ended }
        let cipher = try keys.cipher
        return try await read { connection in
            guard
                let row = try await connection.row(
                    """
                    SELECT holder_link.customer_id, holder_link.session_expires_at, merchant.code, customer.erased_at
                    FROM holder_link JOIN merchant ON merchant.id = holder_link.merchant_id
                    JOIN customer ON customer.id = holder_link.customer_id
                    WHERE holder_link.session_hash = \(LedgerDatabase.holderSessionHash(cipher, session: session))
                    """, logger: self.logger),
                try code == nil || code == row.text("code"), try row.optionalText("erased_at") == nil,
                let expiresText = try row.optionalText("session_expires_at")
            else { throw ended }
            let expires = try Timestamp.read(expiresText)
            guard expires > now else { throw ended }
            return HolderSession(merchant: try row.text("code"), customer: try row.int("customer_id"), expires: expires)
        }
    }
}
