import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain
import PersonalData

/// Who a cardholder's details session belongs to (docs/cardholder.md).
public struct HolderSession: Sendable, Equatable {
    public var merchant: String
    public var customer: Int64
    public var expires: Date
    public init(merchant: String, customer: Int64, expires: Date) {
        self.merchant = merchant
        self.customer = customer
        self.expires = expires
    }
}

/// The one-time links to a cardholder's personal details (issue 17): asked for from the card's
/// page, mailed to the address on file through the outbox, used once within 30 minutes, opening
/// a session of 30 minutes. The ledger keeps only keyed hashes (HMAC with the personal-data
/// key) of the link and the session; the link itself is sealed in its outbox row until the
/// message is made, then only inside the sealed message (as the address is).
extension LedgerDatabase {
    public static let holderLinkLifetime: TimeInterval = 30 * 60
    public static let holderSessionLifetime: TimeInterval = 30 * 60
    /// At most this many links per customer an hour: a card's token cannot be used to flood a
    /// customer's mailbox.
    public static let holderLinksPerHour = 3

    /// A link's or a session's secret: 256 random bits, URL-safe (both stores).
    public static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The one refusal of a link used before, past its 30 minutes, or not ours (both stores).
    public static let holderLinkRefused = LoyaltyError(
        .forbidden, "This link to your details was already used or has expired: ask for a new one on your card's page.")
    /// The one refusal of a session that ended or never was (both stores).
    public static let holderSessionEnded = LoyaltyError(
        .forbidden, "Your visit to your details has ended: ask for a new link on your card's page.")
    /// A link or session worth hashing and looking up: not empty, not longer than any we make.
    public static func plausibleHolderSecret(_ secret: String) -> Bool {
        !secret.isEmpty && secret.utf8.count <= 128
    }
    /// The ledger's keyed hashes of a link and of a session (both stores): a copy of the
    /// ledger opens nobody's details.
    public static func holderLinkHash(_ cipher: PersonalDataCipher, link: String) -> Data {
        cipher.tag("holder-link", link)
    }
    public static func holderSessionHash(_ cipher: PersonalDataCipher, session: String) -> Data {
        cipher.tag("holder-session", session)
    }
    /// The outbox key of a link's mail, and the link's id back from it (the claim checks the
    /// link has not expired before its mail is made).
    public static func holderLinkMailKey(_ id: Int64) -> String { "holder-link:\(id)" }
    public static func holderLinkID(mailKey key: String) -> Int64? {
        key.hasPrefix("holder-link:") ? Int64(key.dropFirst("holder-link:".count)) : nil
    }
    /// The context a mail's secrets and message are sealed with (both stores).
    public static func mailSealingContext(merchant: Int64) -> String { "mail:\(merchant)" }

    /// `cardholder.link`: a `holder-link` mail for the customer the card belongs to. Nothing
    /// is said back: no customer, no address, an erased one or the hourly limit reached all
    /// end silently, as does a recorded link.
    public func requestHolderLink(merchant code: String, card: String, language: String?, now: Date) async throws {
        try await write { db in
            let merchant = try Self.merchant(db, code: code)
            guard
                let customer = try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT customer.id FROM card JOIN account ON account.id = card.account_id
                        JOIN customer ON customer.id = account.customer_id
                        WHERE card.merchant_id = ? AND card.number = ? AND customer.erased_at IS NULL
                              AND customer.sealed IS NOT NULL
                        """, arguments: [merchant.id, card])
            else { return }
            let recent =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM holder_link WHERE customer_id = ? AND created_at > ?",
                    arguments: [customer, Timestamp.format(now.addingTimeInterval(-3600))]) ?? 0
            guard recent < Self.holderLinksPerHour else { return }
            let link = Self.randomSecret()
            try db.execute(
                sql: """
                    INSERT INTO holder_link (merchant_id, customer_id, link_hash, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    merchant.id, customer, Self.holderLinkHash(self.cipher, link: link), Timestamp.format(now),
                    Timestamp.format(now.addingTimeInterval(Self.holderLinkLifetime)),
                ])
            let id = db.lastInsertedRowID
            try db.execute(
                sql: """
                    INSERT INTO mail_outbox (merchant_id, customer_id, kind, idempotency_key, state, next_attempt_at,
                                             created_at, language, sealed_secret)
                    VALUES (?, ?, 'holder-link', ?, 'queued', ?, ?, ?, ?)
                    """,
                arguments: [
                    merchant.id, customer, Self.holderLinkMailKey(id), nowText(), nowText(), language,
                    try self.cipher.seal(Data(link.utf8), context: Self.mailSealingContext(merchant: merchant.id)),
                ])
        }
    }

    /// `cardholder.open`: the link used up, a session opened. A link used before, past its 30
    /// minutes, or not ours gets one sentence.
    public func openHolderLink(merchant code: String?, link: String, now: Date) async throws -> CardholderSessionAnswer
    {
        let refused = Self.holderLinkRefused
        guard Self.plausibleHolderSecret(link) else { throw refused }
        return try await write { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT holder_link.id, holder_link.expires_at, holder_link.used_at, merchant.code,
                               customer.erased_at
                        FROM holder_link JOIN merchant ON merchant.id = holder_link.merchant_id
                        JOIN customer ON customer.id = holder_link.customer_id
                        WHERE holder_link.link_hash = ?
                        """, arguments: [Self.holderLinkHash(self.cipher, link: link)]),
                code == nil || code == row["code"] as String,
                row["used_at"] as String? == nil, row["erased_at"] as String? == nil,
                try Timestamp.read(row["expires_at"]) > now
            else { throw refused }
            let session = Self.randomSecret()
            let expires = now.addingTimeInterval(Self.holderSessionLifetime)
            try db.execute(
                sql: "UPDATE holder_link SET used_at = ?, session_hash = ?, session_expires_at = ? WHERE id = ?",
                arguments: [
                    Timestamp.format(now), Self.holderSessionHash(self.cipher, session: session),
                    Timestamp.format(expires),
                    row["id"] as Int64,
                ])
            return CardholderSessionAnswer(session: session, expires: Timestamp.format(expires))
        }
    }

    /// The customer a details session belongs to, while it lasts.
    public func holderSession(merchant code: String?, session: String, now: Date) async throws -> HolderSession {
        let ended = Self.holderSessionEnded
        guard Self.plausibleHolderSecret(session) else { throw ended }
        return try await read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT holder_link.customer_id, holder_link.session_expires_at, merchant.code, customer.erased_at
                        FROM holder_link JOIN merchant ON merchant.id = holder_link.merchant_id
                        JOIN customer ON customer.id = holder_link.customer_id
                        WHERE holder_link.session_hash = ?
                        """, arguments: [Self.holderSessionHash(self.cipher, session: session)]),
                code == nil || code == row["code"] as String, row["erased_at"] as String? == nil,
                let expiresText = row["session_expires_at"] as String?
            else { throw ended }
            let expires = try Timestamp.read(expiresText)
            guard expires > now else { throw ended }
            return HolderSession(merchant: row["code"], customer: row["customer_id"], expires: expires)
        }
    }
}
