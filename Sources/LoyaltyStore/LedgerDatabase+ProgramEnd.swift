import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain

/// The program's end (issue 15, docs/program-end.md): an end date announced at least six
/// months ahead, the end notice recorded in the outbox for every consenting customer, earning
/// refused from the end date, spending refused after it, and the final balances exported.
extension LedgerDatabase {
    /// The notice the Belgian regulation asks for: six months.
    public static let programEndNoticeMonths = 6

    static func programEnd(_ db: Database, merchant: Merchant) throws -> String? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT end_date FROM program_end WHERE merchant_id = ?"),
            arguments: [merchant.id])
    }

    /// The first day an end may be announced for at `now`: six months after the merchant's
    /// today (the 31st of a shorter month falls on its last day).
    public static func earliestProgramEnd(now: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.startOfDay(for: now)
        let later = calendar.date(byAdding: .month, value: programEndNoticeMonths, to: start) ?? start
        return Timestamp.localDate(later.addingTimeInterval(12 * 3600), timeZone: timeZone)
    }

    /// A date as `YYYY-MM-DD` that exists in the calendar, or nil.
    static func checkedDay(_ text: String) -> String? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month),
            day >= 1
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let first = calendar.date(from: DateComponents(year: year, month: month, day: 1)),
            let days = calendar.range(of: .day, in: .month, for: first), days.contains(day)
        else { return nil }
        return text
    }

    /// `date` checked as an end to announce at `now`: a real day, six months ahead at the
    /// earliest, and no end announced yet (`announced`).
    static func checkedProgramEnd(_ date: String, announced: String?, merchant: Merchant, now: Date) throws -> String {
        guard let end = Self.checkedDay(date) else {
            throw LoyaltyError(.badRequest, "\"date\" \"\(date.prefix(32))\" is not a date like 2027-06-30.")
        }
        if let announced {
            throw LoyaltyError(
                .badRequest,
                "The end of \(merchant.name)'s program is already announced for \(announced); it cannot be announced again."
            )
        }
        let earliest = Self.earliestProgramEnd(now: now, timeZone: merchant.timeZone)
        guard end >= earliest else {
            throw LoyaltyError(
                .outOfRange,
                "The program's end must be announced at least six months ahead: the earliest end date today is \(earliest), not \(end)."
            )
        }
        return end
    }

    /// `program.end.announce`: stored once per merchant, with the end notices recorded in the
    /// same transaction (so an announcement and its mails are never one without the other).
    public func announceProgramEnd(merchant code: String?, date: String, by: String, now: Date) async throws
        -> ProgramEndAnswer
    {
        try await write { db in
            let merchant = try Self.merchant(db, code: code)
            let end = try Self.checkedProgramEnd(
                date, announced: try Self.programEnd(db, merchant: merchant), merchant: merchant, now: now)
            let at = Timestamp.format(now)
            try db.execute(
                sql: "INSERT INTO program_end (merchant_id, end_date, announced_at, announced_by) VALUES (?, ?, ?, ?)",
                arguments: [merchant.id, end, at, by])
            let mails = try Self.enqueueProgramEndMails(db, merchant: merchant)
            return ProgramEndAnswer(
                merchant: merchant.code, date: end, announcedAt: at, announcedBy: by, mailsRecorded: mails)
        }
    }

    /// The end notice for every customer who consents to mail and has none recorded yet (the
    /// key `program-end:CUSTOMER` lets one through per customer). Run at the announcement and
    /// by every `mail run`, so a customer who consents later is told too. Customers without an
    /// address are cancelled when the mail is claimed, as for any mail.
    static func enqueueProgramEndMails(_ db: Database, merchant: Merchant) throws -> Int {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO mail_outbox (merchant_id, customer_id, kind, idempotency_key, state, next_attempt_at, created_at)
                SELECT merchant_id, id, 'program-end', 'program-end:' || id, 'queued', ?, ?
                FROM customer WHERE merchant_id = ? AND consent_mail = 1 AND erased_at IS NULL AND sealed IS NOT NULL
                """, arguments: [nowText(), nowText(), merchant.id])
        return db.changesCount
    }

    /// For `loyalgate mail run`: end notices for customers who consented since the announcement,
    /// until the last day (a notice of an end that has passed tells nobody anything).
    public func enqueueProgramEndMails(merchant code: String?, now: Date = Date()) async throws -> Int {
        try await write { db in
            let merchant = try Self.merchant(db, code: code)
            guard let end = try Self.programEnd(db, merchant: merchant),
                Timestamp.localDate(now, timeZone: merchant.timeZone) <= end
            else { return 0 }
            return try Self.enqueueProgramEndMails(db, merchant: merchant)
        }
    }

    public func programEnd(merchant code: String?) async throws -> ProgramEndAnswer {
        try await read { db in
            let merchant = try Self.merchant(db, code: code)
            let row = try Row.fetchOne(
                db, sql: "SELECT end_date, announced_at, announced_by FROM program_end WHERE merchant_id = ?",
                arguments: [merchant.id])
            return ProgramEndAnswer(
                merchant: merchant.code, date: row?["end_date"], announcedAt: row?["announced_at"],
                announcedBy: row?["announced_by"])
        }
    }

    /// The final balances as CSV (`loyalgate program final-balances`): one line per card, with
    /// its account's points, discount, prepaid and stamps. `ended` says whether the end date
    /// has passed at `now` (only then are the balances final).
    public func finalBalances(merchant code: String?, now: Date) async throws -> (
        end: String?, ended: Bool, csv: String
    ) {
        try await read { db in
            let merchant = try Self.merchant(db, code: code)
            let end = try Self.programEnd(db, merchant: merchant)
            let today = Timestamp.localDate(now, timeZone: merchant.timeZone)
            var csv = "card,status,account,points,discount,prepaid,stamps,currency\r\n"
            let money = { (minor: Int64) in Money(minorUnits: minor, currency: merchant.currency).decimalString }
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT card.number, card.status, account.id AS account, account.points, account.balance_minor,
                           account.prepaid_minor, account.stamps
                    FROM card JOIN account ON account.id = card.account_id
                    WHERE card.merchant_id = ? ORDER BY card.number
                    """, arguments: [merchant.id])
            while let row = try rows.next() {
                let fields: [String] = [
                    row["number"], row["status"], "\(row["account"] as Int64)", "\(row["points"] as Int64)",
                    money(row["balance_minor"]), money(row["prepaid_minor"]), "\(row["stamps"] as Int64)",
                    merchant.currency.code,
                ]
                csv += fields.joined(separator: ",") + "\r\n"
            }
            return (end, end.map { today > $0 } ?? false, csv)
        }
    }
}
