import Crypto
import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain

/// The pieces every till transaction is made of: the replay check, the card and its account,
/// and posting one transaction with its one ledger entry.
extension LedgerDatabase {
    struct CardRow {
        var id: Int64
        var number: String
        var status: CardStatus
        var accountID: Int64
        /// Set by an activation with a delay: the card earns from then on.
        var activeFrom: Date?
        var patientRef: Data?

        /// The status a till is shown: an activated card still in its activation delay is `issued`.
        func status(at instant: Date) -> CardStatus {
            status.shown(at: instant, activeFrom: activeFrom)
        }

        var view: CardView { CardView(number: number, status: status(at: Date())) }
    }

    struct AccountRow {
        var id: Int64
        var points: Int64
        var balanceMinor: Int64
        /// Prepaid money, minor units: never added to or taken from points or discount.
        var prepaidMinor: Int64 = 0
        /// Stamps of the stamp card: their own balance, like prepaid.
        var stamps: Int64 = 0
        var member: Bool
        var customerID: Int64?
    }

    static let answerEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// What makes two requests for one (till, receipt) the same request, in one canonical
    /// form: parsed amounts (so "12.5" and "12.50" agree), normalised identifiers, the sale's
    /// time in UTC. Its SHA-256 is stored with the transaction.
    struct CanonicalRequest: Encodable {
        var kind: String
        var card: String?
        var lines: [SaleLine]?
        var at: String?
        var points: Int64?
        var amount: String?
        var reward: String?
        var purchaseTotal: String?
        var cash: Bool?
        var originalTill: String?
        var originalReceipt: String?
        var tender: String?
        var partial: Bool?
        var applied: [QuoteLine]?
        var code: String?
        var terms: VoucherTerms?

        var digest: Data {
            let encoded = (try? LedgerDatabase.answerEncoder.encode(self)) ?? Data()
            return Data(SHA256.hash(data: encoded))
        }
    }

    /// The first answer to this (till, receipt), marked as replayed, if there was one. A
    /// different request on the same (till, receipt) (another card, amount or lines) is
    /// `receipt-reused`: answering it with the first answer would show one customer's balance
    /// to another.
    static func replay(
        _ db: Database, merchant: Merchant, till: String, receipt: String, kind: String, digest: Data
    ) throws
        -> TxnAnswer?
    {
        guard
            let row = try Row.fetchOne(
                try db.cachedStatement(
                    sql: """
                        SELECT kind, answer, request_digest FROM till_txn WHERE merchant_id = ? AND till = ? AND receipt = ?
                        """), arguments: [merchant.id, till, receipt])
        else { return nil }
        return try LedgerRules.replay(
            storedKind: row["kind"], answer: row["answer"], storedDigest: row["request_digest"], till: till,
            receipt: receipt, kind: kind, digest: digest)
    }

    static func card(_ db: Database, merchant: Merchant, number: CardNumber) throws -> CardRow? {
        try Row.fetchOne(
            try db.cachedStatement(
                sql: """
                    SELECT id, number, status, account_id, active_from, patient_ref FROM card WHERE merchant_id = ? AND number = ?
                    """), arguments: [merchant.id, number.digits]
        ).map(cardRow)
    }

    static func cardRow(_ row: Row) -> CardRow {
        CardRow(
            id: row["id"], number: row["number"], status: CardStatus(rawValue: row["status"]) ?? .blocked,
            accountID: row["account_id"],
            activeFrom: (row["active_from"] as String?).flatMap(Timestamp.parse), patientRef: row["patient_ref"])
    }

    /// The card, or `unknown-card` in the merchant's own words.
    static func requireCard(_ db: Database, merchant: Merchant, number: CardNumber) throws -> CardRow {
        guard let card = try card(db, merchant: merchant, number: number) else {
            throw LoyaltyError(.unknownCard, "Card \(number) is not a card of \(merchant.name).")
        }
        return card
    }

    static func account(_ db: Database, id: Int64) throws -> AccountRow {
        guard
            let row = try Row.fetchOne(
                try db.cachedStatement(
                    sql:
                        "SELECT id, points, balance_minor, prepaid_minor, stamps, member, customer_id FROM account WHERE id = ?"
                ),
                arguments: [id])
        else {
            throw LoyaltyError(.internalError, "Account \(id) is missing.")
        }
        return AccountRow(
            id: row["id"], points: row["points"], balanceMinor: row["balance_minor"],
            prepaidMinor: row["prepaid_minor"], stamps: row["stamps"],
            member: row["member"], customerID: row["customer_id"])
    }

    /// Refuses a card that may not take part in a till transaction, with the contract's code.
    static func requireActive(_ card: CardRow, at instant: Date) throws {
        try card.status.requireUsable(card: card.number, activeFrom: card.activeFrom, at: instant)
    }

    static func view(_ account: AccountRow, merchant: Merchant) -> AccountView {
        AccountView(
            id: account.id, points: account.points,
            balance: Money(minorUnits: account.balanceMinor, currency: merchant.currency).decimalString,
            currency: merchant.currency.code,
            prepaid: account.prepaidMinor == 0
                ? nil : Money(minorUnits: account.prepaidMinor, currency: merchant.currency).decimalString,
            stamps: account.stamps == 0 ? nil : account.stamps)
    }

    struct Posting {
        var kind: String
        var till: String
        var receipt: String
        var card: String
        var account: AccountRow
        var programVersionID: Int64?
        var originalTxnID: Int64?
        var lines: [SaleLine]?
        /// The intended effect, kept with the transaction (for a return: what it should take back).
        var intendedPoints: Int64
        var intendedMinor: Int64
        /// The effect on the account; differs from the intended one only by a shortfall.
        var points: Int64
        var minor: Int64
        var at: Date
        var redeemed: TxnAnswer.Redeemed?
        /// The stamps the sale gives (an earn) or takes back (a return, as a negative number):
        /// a stamp transaction of its own with its own entry, beside the sale's.
        var stamps: Int64 = 0
        /// What a return meant to take back, when the card holds fewer stamps.
        var intendedStamps: Int64 = 0
        /// The cardholder discounts an earn applied.
        var applied: [QuoteLine]? = nil
        /// `CanonicalRequest.digest` of the request, compared when the (till, receipt) comes again.
        var digest: Data
    }

    /// Writes the transaction, its ledger entry and the account's new balance, and returns the
    /// answer that is stored for replays. The account's CHECK constraints refuse any overdraft
    /// that a bug upstream might let through.
    static func post(_ db: Database, merchant: Merchant, _ posting: Posting) throws -> TxnAnswer {
        let at = Timestamp.format(posting.at)
        let linesJSON = try posting.lines.map { String(decoding: try answerEncoder.encode($0), as: UTF8.self) }
        // The transaction's id is part of its answer, and the answer is stored with it: the id is
        // taken before the insert (writes are serialised, so nobody else takes it meanwhile).
        let txnID = (try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(id), 0) + 1 FROM till_txn")) ?? 1)
        let shortfallPoints = posting.points - posting.intendedPoints
        let shortfallMinor = posting.minor - posting.intendedMinor
        var after = try Self.moved(posting.account, points: posting.points, minor: posting.minor, kind: posting.kind)
        let stampKind = posting.kind == "earn" ? "stamp-earn" : "stamp-return"
        if posting.stamps != 0 {
            after = try Self.moved(after, points: 0, minor: 0, stamps: posting.stamps, kind: stampKind)
        }
        let money = { (minor: Int64) in Money(minorUnits: minor, currency: merchant.currency).decimalString }
        var answer = TxnAnswer(
            txn: txnID, kind: posting.kind, card: posting.card, points: posting.points, discount: money(posting.minor),
            account: view(after, merchant: merchant), at: at, redeemed: posting.redeemed,
            shortfall: shortfallPoints == 0 && shortfallMinor == 0
                ? nil
                : TxnAnswer.Shortfall(points: shortfallPoints, amount: money(shortfallMinor)),
            replayed: false)
        if posting.stamps != 0 || posting.intendedStamps != 0 { answer.stamps = posting.stamps }
        let appliedJSON = try posting.applied.map { String(decoding: try answerEncoder.encode($0), as: UTF8.self) }
        // Encoded once: stored for replays, and kept with the answer for the wire (Frame.success).
        let answerJSON = try answerEncoder.encode(answer)
        try db.cachedStatement(
            sql: """
                INSERT INTO till_txn (id, merchant_id, till, receipt, kind, account_id, card_number, program_version_id,
                                      original_txn_id, member, lines, points, amount_minor, answer, at, request_digest,
                                      applied)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            txnID, merchant.id, posting.till, posting.receipt, posting.kind, posting.account.id, posting.card,
            posting.programVersionID, posting.originalTxnID, posting.account.member, linesJSON,
            posting.intendedPoints, posting.intendedMinor,
            String(decoding: answerJSON, as: UTF8.self), at, posting.digest, appliedJSON,
        ])
        try appendEntry(
            db,
            Entry(
                merchantID: merchant.id, accountID: posting.account.id, card: posting.card, kind: posting.kind,
                points: posting.points, minor: posting.minor, shortfallPoints: shortfallPoints,
                shortfallMinor: shortfallMinor,
                txnID: txnID, till: posting.till, receipt: posting.receipt, programVersionID: posting.programVersionID,
                at: at))
        // The statistics' rollups are not written here: the writer rolls this sale up after its
        // commit (`rollUpStatistics`), so the till does not wait for them.
        if posting.stamps != 0 || posting.intendedStamps != 0 {
            try postStamps(
                db, merchant: merchant, kind: posting.kind, till: posting.till, receipt: posting.receipt,
                card: posting.card, accountID: posting.account.id, tillTxnID: txnID,
                intended: posting.intendedStamps, stamps: posting.stamps, entryKind: stampKind, answer: nil, at: at,
                digest: posting.digest)
        }
        answer.keep(storedJSON: answerJSON)
        return answer
    }

    /// One ledger entry, and the account's balance moved by it in the same transaction.
    struct Entry {
        var merchantID: Int64
        var accountID: Int64
        var card: String
        var kind: String
        var points: Int64
        var minor: Int64
        /// The change to the prepaid balance: only prepaid kinds and transfers move it.
        var prepaid: Int64 = 0
        /// The change to the stamps: only stamp kinds and transfers move them.
        var stamps: Int64 = 0
        var stampTxnID: Int64? = nil
        var shortfallPoints: Int64 = 0
        var shortfallMinor: Int64 = 0
        var txnID: Int64? = nil
        var till: String? = nil
        var receipt: String? = nil
        var programVersionID: Int64? = nil
        var prepaidTxnID: Int64? = nil
        var at: String
    }

    /// Which way each kind of entry may move a balance: an earn or transfer-in only adds, a
    /// redeem, return, fee or transfer-out only takes away. Checked on every entry written, so
    /// that no program value or bug upstream can make a redeem add points (and `verify` checks
    /// the stored entries the same way).
    static let entrySigns: [String: Int] = [
        "earn": 1, "transfer-in": 1, "redeem": -1, "return": -1, "fee": -1, "transfer-out": -1,
    ]

    /// The same for prepaid money, which only these kinds (and the transfers of a household)
    /// move: a prepaid entry never moves points or discount, a loyalty entry never prepaid.
    static let prepaidEntrySigns: [String: Int] = [
        "prepaid-load": 1, "prepaid-pay-reversal": 1, "prepaid-pay": -1, "prepaid-load-reversal": -1,
        "transfer-in": 1, "transfer-out": -1,
    ]

    /// The same for stamps: a stamp entry moves stamps only, a loyalty or prepaid entry never.
    static let stampEntrySigns: [String: Int] = [
        "stamp-earn": 1, "stamp-redeem": -1, "stamp-return": -1, "transfer-in": 1, "transfer-out": -1,
    ]

    /// The account after moving it by `points` and `minor`: refused with `out-of-range` when a
    /// balance would pass `Limits.balance` (or overflow), and as an internal error when it
    /// would go below zero or the move has the wrong sign for its kind (a bug, never a till's).
    static func moved(
        _ account: AccountRow, points: Int64, minor: Int64, prepaid: Int64 = 0, stamps: Int64 = 0, kind: String
    ) throws -> AccountRow {
        let sign = entrySigns[kind] ?? 0
        let prepaidSign = prepaidEntrySigns[kind] ?? 0
        let stampSign = stampEntrySigns[kind] ?? 0
        guard sign != 0 || prepaidSign != 0 || stampSign != 0, Int(points.signum()) * sign >= 0,
            Int(minor.signum()) * sign >= 0,
            Int(prepaid.signum()) * prepaidSign >= 0, Int(stamps.signum()) * stampSign >= 0,
            sign != 0 || (points == 0 && minor == 0), prepaidSign != 0 || prepaid == 0, stampSign != 0 || stamps == 0
        else {
            throw LoyaltyError(
                .internalError,
                "A \(kind) entry of \(points) points, \(minor) minor units and \(prepaid) minor units of prepaid would move account \(account.id) the wrong way; nothing was recorded."
            )
        }
        guard let newPoints = Limits.moved(account.points, by: points),
            let newMinor = Limits.moved(account.balanceMinor, by: minor),
            let newPrepaid = Limits.moved(account.prepaidMinor, by: prepaid),
            let newStamps = Limits.moved(account.stamps, by: stamps)
        else {
            if sign < 0 || prepaidSign < 0 || stampSign < 0 {
                throw LoyaltyError(
                    .internalError, "A \(kind) would take account \(account.id) below zero; nothing was recorded.")
            }
            throw RuleViolation(
                .outOfRange,
                "This \(kind) would take the account past the most it may hold (\(Limits.grouped(Limits.balance)) points or minor units); nothing was recorded."
            )
        }
        var after = account
        after.points = newPoints
        after.balanceMinor = newMinor
        after.prepaidMinor = newPrepaid
        after.stamps = newStamps
        return after
    }

    static func appendEntry(_ db: Database, _ entry: Entry) throws {
        // The balance is checked in Swift before SQLite adds: SQLite turns an integer sum that
        // overflows into a floating-point number instead of failing.
        _ = try moved(
            try account(db, id: entry.accountID), points: entry.points, minor: entry.minor, prepaid: entry.prepaid,
            stamps: entry.stamps, kind: entry.kind)
        try db.cachedStatement(
            sql: """
                INSERT INTO ledger_entry (merchant_id, account_id, card_number, txn_id, till, receipt, kind, points, amount_minor,
                                          shortfall_points, shortfall_minor, program_version_id, at, recorded_at,
                                          prepaid_minor, prepaid_txn_id, stamps, stamp_txn_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            entry.merchantID, entry.accountID, entry.card, entry.txnID, entry.till, entry.receipt, entry.kind,
            entry.points, entry.minor, entry.shortfallPoints, entry.shortfallMinor, entry.programVersionID,
            entry.at, nowText(), entry.prepaid, entry.prepaidTxnID, entry.stamps, entry.stampTxnID,
        ])
        try db.cachedStatement(
            sql: """
                UPDATE account SET points = points + ?, balance_minor = balance_minor + ?, prepaid_minor = prepaid_minor + ?,
                                   stamps = stamps + ?
                WHERE id = ?
                """
        ).execute(arguments: [entry.points, entry.minor, entry.prepaid, entry.stamps, entry.accountID])
    }
}
