import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain

/// The parts of keeping a ledger that do not depend on the database engine, public for the
/// PostgreSQL store (PostgresStore): each calls the SQLite store's own rule, so both stores
/// decide the same way (which way an entry may move a balance, the limits, what makes two
/// requests the same, what a replay answers, how an entry is shown) and there is one of each.
public enum LedgerRules {
    /// An account's balances as a store reads them.
    public struct Balances: Sendable, Equatable {
        public var id: Int64
        public var points: Int64
        public var balanceMinor: Int64
        public var prepaidMinor: Int64
        public var stamps: Int64
        public var member: Bool
        public var customerID: Int64?

        public init(
            id: Int64, points: Int64, balanceMinor: Int64, prepaidMinor: Int64, stamps: Int64, member: Bool,
            customerID: Int64?
        ) {
            self.id = id
            self.points = points
            self.balanceMinor = balanceMinor
            self.prepaidMinor = prepaidMinor
            self.stamps = stamps
            self.member = member
            self.customerID = customerID
        }

        init(_ row: LedgerDatabase.AccountRow) {
            self.init(
                id: row.id, points: row.points, balanceMinor: row.balanceMinor, prepaidMinor: row.prepaidMinor,
                stamps: row.stamps, member: row.member, customerID: row.customerID)
        }

        var row: LedgerDatabase.AccountRow {
            LedgerDatabase.AccountRow(
                id: id, points: points, balanceMinor: balanceMinor, prepaidMinor: prepaidMinor, stamps: stamps,
                member: member, customerID: customerID)
        }
    }

    /// `LedgerDatabase.moved`: the balances after an entry of `kind`, refused when it goes the
    /// wrong way for its kind, below zero or past `Limits.balance`.
    public static func moved(
        _ account: Balances, points: Int64, minor: Int64, prepaid: Int64 = 0, stamps: Int64 = 0, kind: String
    ) throws -> Balances {
        Balances(
            try LedgerDatabase.moved(
                account.row, points: points, minor: minor, prepaid: prepaid, stamps: stamps, kind: kind))
    }

    /// The account as a till is shown it.
    public static func view(_ account: Balances, merchant: Merchant) -> AccountView {
        LedgerDatabase.view(account.row, merchant: merchant)
    }

    /// JSON as the stores keep answers and lines: sorted keys, so a stored answer is the same
    /// bytes whichever store wrote it.
    public static func encoded(_ value: some Encodable) throws -> String {
        String(decoding: try LedgerDatabase.answerEncoder.encode(value), as: UTF8.self)
    }

    /// The same as bytes (what is sealed for a customer).
    public static func encodedData(_ value: some Encodable) throws -> Data {
        try LedgerDatabase.answerEncoder.encode(value)
    }

    public static func earnDigest(card: CardNumber, lines: [SaleLine], at saleTime: Date?, applied: [QuoteLine]?)
        -> Data
    {
        LedgerDatabase.CanonicalRequest(
            kind: "earn", card: card.digits, lines: lines, at: saleTime.map(Timestamp.format), applied: applied
        ).digest
    }

    public static func redeemDigest(
        _ request: CoreOp.TxnRedeem.Parameters, card: CardNumber, at saleTime: Date?, currency: Currency
    ) -> Data {
        // Amounts as minor units where they parse, so "5" and "5.00" are the same request.
        let minor = { (text: String?) -> String? in
            text.map { text in (try? Money(parsing: text, currency: currency)).map { String($0.minorUnits) } ?? text }
        }
        return LedgerDatabase.CanonicalRequest(
            kind: "redeem", card: card.digits, at: saleTime.map(Timestamp.format), points: request.points,
            amount: minor(request.amount), reward: request.reward, purchaseTotal: minor(request.purchaseTotal),
            cash: request.cash ?? false
        ).digest
    }

    public static func returnDigest(
        lines: [SaleLine], at saleTime: Date?, originalTill: String, originalReceipt: String
    )
        -> Data
    {
        LedgerDatabase.CanonicalRequest(
            kind: "return", lines: lines, at: saleTime.map(Timestamp.format), originalTill: originalTill,
            originalReceipt: originalReceipt
        ).digest
    }

    /// The digest of a prepaid request (as the SQLite store's `prepaidLoad`, `prepaidPay`,
    /// `prepaidReverse` make it).
    public static func prepaidDigest(
        kind: String, card: CardNumber? = nil, at saleTime: Date?, amount: Int64? = nil, tender: String? = nil,
        partial: Bool? = nil, originalTill: String? = nil, originalReceipt: String? = nil
    ) -> Data {
        LedgerDatabase.CanonicalRequest(
            kind: kind, card: card?.digits, at: saleTime.map(Timestamp.format), amount: amount.map { String($0) },
            originalTill: originalTill, originalReceipt: originalReceipt, tender: tender, partial: partial
        ).digest
    }

    /// A prepaid amount in minor units, or `bad-request` (`LedgerDatabase.prepaidAmount`).
    public static func prepaidAmount(_ text: String, merchant: Merchant) throws -> Int64 {
        try LedgerDatabase.prepaidAmount(text, merchant: merchant)
    }

    /// A sum of prepaid figures, or `out-of-range` on overflow.
    public static func checkedSum(_ total: Int64, _ value: Int64) throws -> Int64 {
        try LedgerDatabase.checkedSum(total, value)
    }

    /// What a repeated (till, receipt) is answered, from the stored transaction's kind, answer
    /// and digest: the first answer marked replayed, or `receipt-reused` for another request.
    public static func replay(
        storedKind: String, answer: String, storedDigest: Data?, till: String, receipt: String, kind: String,
        digest: Data
    ) throws -> TxnAnswer {
        guard storedKind == kind else {
            throw LoyaltyError(
                .receiptReused,
                "Receipt \(receipt) of till \(till) was already used for a \(storedKind); give this \(kind) its own receipt number."
            )
        }
        if let storedDigest, storedDigest != digest {
            throw LoyaltyError(
                .receiptReused,
                "Receipt \(receipt) of till \(till) was already used for another \(kind) (another card, amount or lines); give this one its own receipt number."
            )
        }
        var replayed = try JSONDecoder().decode(TxnAnswer.self, from: Data(answer.utf8))
        replayed.replayed = true
        return replayed
    }

    /// One ledger entry as `account.history` shows it, from the columns of `ledger_entry` with
    /// `program_version` (the merchant's number) and `applied`.
    public static func historyEntry(_ columns: [String: (any DatabaseValueConvertible)?], merchant: Merchant)
        -> HistoryEntry
    {
        LedgerDatabase.historyEntry(Row(columns), merchant: merchant)
    }

    /// A program file checked, and the text stored as its version (the whole file, sorted keys).
    public static func programVersion(_ file: ProgramFile) throws -> (currency: Currency, text: String) {
        let (checked, text) = try LedgerDatabase.versionText(file)
        return (checked.currency, text)
    }

    /// The stamp card as a till is shown it; nil when the program has none.
    public static func stampCard(_ rules: EarningRules, stamps: Int64) -> StampCardView? {
        LedgerDatabase.stampCard(rules, stamps: stamps)
    }

    /// The rules of a stored program version.
    public static func storedRules(_ text: String) throws -> EarningRules {
        try ProgramFile.decode(Data(text.utf8), stored: true).validated(stored: true).rules
    }
}

// Memberwise initialisers are internal; the PostgreSQL store builds these values too.
extension LedgerRules {
    public static func merchant(
        id: Int64, code: String, name: String, currency: Currency, timeZone: TimeZone, cardPrefix: String?
    ) -> Merchant {
        Merchant(id: id, code: code, name: name, currency: currency, timeZone: timeZone, cardPrefix: cardPrefix)
    }

    public static func report(
        accounts: Int, entries: Int, transactions: Int, fileProblems: [String], differences: [String]
    ) -> VerifyReport {
        VerifyReport(
            accounts: accounts, entries: entries, transactions: transactions, fileProblems: fileProblems,
            differences: differences)
    }

    public static func imported(merchant: String, version: Int, created: Bool) -> LedgerDatabase.ImportedProgram {
        LedgerDatabase.ImportedProgram(merchant: merchant, version: version, created: created)
    }
}
