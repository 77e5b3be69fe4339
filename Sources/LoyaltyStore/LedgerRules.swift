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

// MARK: - The back office, patient references and households (both stores)

extension LedgerRules {
    /// Where `report.summary`'s two periods start (the merchant's local day and month holding
    /// `instant`) and where both end (the end of that local day), as stored times compare.
    public struct SummaryWindow: Sendable {
        public var dayStart: Date
        public var monthStart: Date
        public var until: String
    }

    public static func summaryWindow(merchant: Merchant, at instant: Date) -> SummaryWindow {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = merchant.timeZone
        let dayStart = calendar.startOfDay(for: instant)
        let monthStart = calendar.date(from: calendar.dateComponents([.year, .month], from: instant)) ?? dayStart
        let until = Timestamp.format(calendar.date(byAdding: .day, value: 1, to: dayStart) ?? instant)
        return SummaryWindow(dayStart: dayStart, monthStart: monthStart, until: until)
    }

    /// The entries of one kind in a period: how many and their sums (exact: a store refuses a
    /// sum that overflows rather than rounding it).
    public struct KindTotals: Sendable {
        public var kind: String
        public var count: Int
        public var points: Int64
        public var minor: Int64

        public init(kind: String, count: Int, points: Int64, minor: Int64) {
            self.kind = kind
            self.count = count
            self.points = points
            self.minor = minor
        }
    }

    /// The kinds `report.summary` counts.
    public static let summaryKinds = ["earn", "redeem", "return"]

    /// One period of `report.summary` from its totals per kind; redeems are shown as positive
    /// figures (the entries hold them negative).
    public static func summaryPeriod(from start: Date, merchant: Merchant, totals: [KindTotals])
        -> SummaryAnswer.Period
    {
        var result = SummaryAnswer.Period(
            from: Timestamp.localDate(start, timeZone: merchant.timeZone), earns: 0, pointsEarned: 0,
            redeems: 0, pointsRedeemed: 0, discountRedeemed: Money.zero(merchant.currency).decimalString,
            returns: 0)
        for total in totals {
            switch total.kind {
            case "earn":
                result.earns = total.count
                result.pointsEarned = total.points
            case "redeem":
                result.redeems = total.count
                result.pointsRedeemed = total.points == .min ? .max : -total.points
                result.discountRedeemed =
                    Money(minorUnits: total.minor == .min ? .max : -total.minor, currency: merchant.currency)
                    .decimalString
            default: result.returns = total.count
            }
        }
        return result
    }

    /// `audit.append`'s texts: lengths count Unicode scalars; control characters would reach
    /// every screen that shows the log.
    public static func checkAudit(_ request: CoreOp.AuditAppend.Parameters) throws(LoyaltyError) {
        try checkAuditText(request.user, field: "user", maximum: 64)
        try checkAuditText(request.action, field: "action", maximum: 64)
        try checkAuditText(request.subject, field: "subject", maximum: 64)
        if let detail = request.detail { try checkAuditText(detail, field: "detail", maximum: 500) }
    }

    static func checkAuditText(_ text: String, field: String, maximum: Int) throws(LoyaltyError) {
        guard !text.isEmpty, text.unicodeScalars.count <= maximum,
            !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw LoyaltyError(
                .badRequest, "\"\(field)\" is 1 to \(maximum) characters without control characters.")
        }
    }

    /// `audit.list`'s limit.
    public static func checkAuditLimit(_ limit: Int) throws(LoyaltyError) {
        guard (1...1000).contains(limit) else {
            throw LoyaltyError(.badRequest, "\"limit\" is 1 to 1000.")
        }
    }

    /// `export.page`'s paging.
    public static func checkExportPage(after: Int64, limit: Int) throws(LoyaltyError) {
        guard (1...5000).contains(limit), after >= 0 else {
            throw LoyaltyError(.badRequest, "\"limit\" is 1 to 5000 and \"after\" a row number from a previous page.")
        }
    }

    /// One row of an export as its CSV cells (the same on both stores), from the columns the
    /// kind's query selects; `open` unseals a customer's details.
    public static func exportFields(
        _ kind: ExportKind, columns: [String: (any DatabaseValueConvertible)?], merchant: Merchant,
        open: (Data) throws -> CustomerDetails
    ) throws -> [String] {
        try LedgerDatabase.exportFields(kind, Row(columns), merchant: merchant, open: open)
    }

    /// A pharmacy's patient reference (`card.link-patient`): scalars, not characters, are
    /// counted, since one character may carry thousands of combining marks.
    public static func checkPatientRef(_ patientRef: String?) throws(LoyaltyError) {
        guard (patientRef?.unicodeScalars.count ?? 0) <= 128,
            patientRef?.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) != true
        else {
            throw LoyaltyError(
                .badRequest, "A patient reference has at most 128 characters and no control characters.")
        }
    }

    /// The sealing context of patient references (one per merchant).
    public static func patientContext(_ merchant: Merchant) -> String { "patient:\(merchant.id)" }

    /// `account.pool` when the card leaves its old account empty of cards: the whole balance
    /// moves along, refused when the two together would pass what one account may hold.
    public static func checkPoolable(_ source: Balances, into destination: Balances, card: String, target: String)
        throws(RuleViolation)
    {
        guard Limits.moved(destination.points, by: source.points) != nil,
            Limits.moved(destination.balanceMinor, by: source.balanceMinor) != nil,
            Limits.moved(destination.prepaidMinor, by: source.prepaidMinor) != nil,
            Limits.moved(destination.stamps, by: source.stamps) != nil
        else {
            throw RuleViolation(
                .outOfRange,
                "Cards \(card) and \(target) together hold more than one account may (\(Limits.grouped(Limits.balance)) points or minor units); they cannot be pooled."
            )
        }
    }

    /// `account.pool`: two accounts of different customers are not pooled.
    public static func checkSameHousehold(_ source: Balances, _ destination: Balances) throws(LoyaltyError) {
        guard
            source.customerID == nil || destination.customerID == nil || source.customerID == destination.customerID
        else {
            throw LoyaltyError(.badRequest, "The two cards belong to different customers.")
        }
    }

    /// `account.split`: the discount (minor units) a card takes out of its household, checked
    /// against what the household holds.
    public static func splitShare(_ household: Balances, points: Int64, amount: String?, merchant: Merchant)
        throws(LoyaltyError) -> Int64
    {
        let minor: Int64
        do { minor = try amount.map { try Money(parsing: $0, currency: merchant.currency).minorUnits } ?? 0 } catch {
            throw LoyaltyError(.badRequest, "\(error)")
        }
        guard points >= 0, minor >= 0, points <= household.points, minor <= household.balanceMinor else {
            throw LoyaltyError(
                .insufficientBalance,
                "The household has \(household.points) points and \(Money(minorUnits: household.balanceMinor, currency: merchant.currency).decimalString); it cannot give that much."
            )
        }
        return minor
    }
}

// MARK: - Stamps, vouchers and cardholder prices (both stores)

extension LedgerRules {
    // Stamps.

    public static func stampsRedeemDigest(card: CardNumber, at saleTime: Date?) -> Data {
        LedgerDatabase.CanonicalRequest(kind: "stamps-redeem", card: card.digits, at: saleTime.map(Timestamp.format))
            .digest
    }

    /// A repeated `stamps.redeem` (till, receipt): the first answer marked replayed, or
    /// `receipt-reused` for another request.
    public static func stampReplay(answer: String, storedDigest: Data, digest: Data, till: String, receipt: String)
        throws -> StampAnswer
    {
        guard storedDigest == digest else {
            throw LoyaltyError(
                .receiptReused,
                "Receipt \(receipt) of till \(till) was already used for another stamp reward; give this one its own receipt number."
            )
        }
        var replayed = try JSONDecoder().decode(StampAnswer.self, from: Data(answer.utf8))
        replayed.replayed = true
        return replayed
    }

    /// The program's stamp card, or `bad-request` for a merchant that gives no stamps.
    public static func stampRule(_ rules: EarningRules, merchant: Merchant) throws(LoyaltyError) -> Program.StampRule {
        guard let rule = rules.stampRule else {
            throw LoyaltyError(.badRequest, "\(merchant.name) gives no stamps (no \"stamps\" in its program).")
        }
        return rule
    }

    /// The stamps the reward takes, or `insufficient-balance` while the card holds fewer.
    public static func stampsNeeded(_ rule: Program.StampRule, stamps: Int64, card: CardNumber) throws(RuleViolation)
        -> Int64
    {
        let needed = rule.reward.stamps
        guard stamps >= needed else {
            throw RuleViolation(
                .insufficientBalance,
                "Card \(card) has \(stamps) of the \(needed) stamps for \(rule.reward.name): \(needed - stamps) more to go."
            )
        }
        return needed
    }

    // Cardholder prices.

    /// A quote's card and time, checked.
    public static func quoteInput(_ request: CoreOp.TxnQuote.Parameters) throws -> (card: CardNumber, at: Date?) {
        let number = try CardNumber(request.card)
        guard !request.lines.isEmpty, request.lines.count <= Limits.receiptLines else {
            throw LoyaltyError(.badRequest, "A quote needs 1 to \(Limits.receiptLines) lines.")
        }
        do { return (number, try request.at.map(Timestamp.read)) } catch {
            throw LoyaltyError(.badRequest, "\"at\": \(error.message)")
        }
    }

    public static func checkQuoteOpen(_ rules: EarningRules, at instant: Date) throws(RuleViolation) {
        if let reason = rules.closedReason(at: instant) {
            throw RuleViolation(.programClosed, "No cardholder prices now: \(reason).")
        }
    }

    /// The cardholder discounts of `lines` for the card, their total overflow-checked.
    public static func quoteAnswer(
        card: CardNumber, lines: [SaleLine], rules: EarningRules, member: Bool, merchant: Merchant
    ) throws -> QuoteAnswer {
        let found = rules.cardholderDiscounts(for: lines, member: member)
        var total: Int64 = 0
        for line in found { total = try checkedSum(total, line.discount.minorUnits) }
        return QuoteAnswer(
            card: card.digits, member: member, currency: merchant.currency.code,
            lines: found.map(LedgerDatabase.quoteLine),
            discount: Money(minorUnits: total, currency: merchant.currency).decimalString)
    }

    /// An earn's `applied`, checked against what the program gives the card for those lines.
    public static func checkedApplied(
        _ applied: [QuoteLine]?, lines: [SaleLine], rules: EarningRules, member: Bool, currency: Currency
    ) throws -> [QuoteLine]? {
        try LedgerDatabase.checkedApplied(applied, lines: lines, rules: rules, member: member, currency: currency)
    }

    // Vouchers.

    /// A `voucher.issue`'s terms, checked (amounts in the merchant's currency).
    public static func voucherTerms(_ request: CoreOp.VoucherIssue.Parameters, merchant: Merchant) throws
        -> VoucherTerms
    {
        let currency = merchant.currency
        func money(_ field: String, _ text: String?) throws -> Int64? {
            guard let text else { return nil }
            guard let money = try? Money(parsing: text, currency: currency), money.minorUnits >= 0,
                money.minorUnits <= Limits.lineMinorUnits
            else {
                throw LoyaltyError(
                    .badRequest,
                    "\"\(field)\": \"\(text.prefix(32))\" must be an amount in \(currency.code), like \"5.00\".")
            }
            return money.minorUnits
        }
        var rate: Ratio?
        if let percent = request.percent {
            guard let parsed = Ratio(percent) else {
                throw LoyaltyError(
                    .badRequest, "\"percent\": \"\(percent.prefix(32))\" must be a rate like \"0.10\" (10 % off).")
            }
            rate = parsed
        }
        let sku = try request.sku.map { text throws(LoyaltyError) in try Identifier.normalised(text, field: "sku") }
        let terms = try VoucherTerms(
            kind: request.kind, valueMinor: try money("amount", request.amount), rate: rate, sku: sku,
            name: request.name, uses: request.uses ?? 1, validFrom: request.validFrom,
            validUntil: request.validUntil, minimumMinor: try money("minimumPurchase", request.minimumPurchase)
        ).validated()
        if let name = terms.name, name.isEmpty || name.unicodeScalars.count > 200 {
            throw LoyaltyError(.badRequest, "\"name\" must be 1 to 200 characters.")
        }
        return terms
    }

    public static func voucherIssueDigest(card: CardNumber?, at issueTime: Date?, terms: VoucherTerms) -> Data {
        LedgerDatabase.CanonicalRequest(
            kind: "voucher-issue", card: card?.digits, at: issueTime.map(Timestamp.format), terms: terms
        ).digest
    }

    public static func voucherIssueReplay(
        answer: String, storedDigest: Data, digest: Data, till: String, receipt: String
    ) throws -> VoucherAnswer {
        guard storedDigest == digest else {
            throw LoyaltyError(
                .receiptReused,
                "Receipt \(till)/\(receipt) already issued another voucher; give this one its own receipt number.")
        }
        var replayed = try JSONDecoder().decode(VoucherAnswer.self, from: Data(answer.utf8))
        replayed.replayed = true
        return replayed
    }

    /// A fresh voucher code: ten random digits, so that a code cannot be guessed from the one
    /// printed before it.
    public static func newVoucherCode() -> String {
        VoucherCode.make(serial: UInt64.random(in: 0..<10_000_000_000))
    }

    /// A `voucher.redeem`'s purchase total in minor units.
    public static func voucherPurchase(_ text: String?, merchant: Merchant) throws(LoyaltyError) -> Int64? {
        guard let text else { return nil }
        guard let money = try? Money(parsing: text, currency: merchant.currency), money.minorUnits >= 0,
            money.minorUnits <= Limits.receiptMinorUnits
        else {
            throw LoyaltyError(
                .badRequest,
                "\"purchaseTotal\": \"\(text.prefix(32))\" must be an amount in \(merchant.currency.code), like \"25.00\"."
            )
        }
        return money.minorUnits
    }

    public static func voucherRedeemDigest(at saleTime: Date?, purchase: Int64?, code: String) -> Data {
        LedgerDatabase.CanonicalRequest(
            kind: "voucher-redeem", at: saleTime.map(Timestamp.format), amount: purchase.map { String($0) }, code: code
        ).digest
    }

    public static func voucherRedeemReplay(
        answer: String, storedDigest: Data, digest: Data, code: String, till: String, receipt: String
    ) throws -> VoucherAnswer {
        guard storedDigest == digest else {
            throw LoyaltyError(
                .receiptReused,
                "Voucher \(code) was already used on receipt \(receipt) of till \(till) for another purchase total.")
        }
        var replayed = try JSONDecoder().decode(VoucherAnswer.self, from: Data(answer.utf8))
        replayed.replayed = true
        return replayed
    }

    /// `unknown-voucher` for a code no merchant issued (`merchantID` nil) or another merchant's.
    public static func checkVoucherMerchant(_ merchantID: Int64?, merchant: Merchant, code: String)
        throws(RuleViolation)
    {
        try LedgerDatabase.checkVoucherMerchant(merchantID, merchant: merchant, code: code)
    }

    /// A voucher as a till is shown it (its state on the merchant's `today`).
    public static func voucherView(
        code: String, terms: VoucherTerms, used: Int64, card: String?, today: String, currency: Currency
    ) -> VoucherView {
        LedgerDatabase.voucherView(code: code, terms: terms, used: used, card: card, today: today, currency: currency)
    }

}
