import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain

// Campaigns, prize draws and the program's end, for the PostgreSQL store: each calls the
// SQLite store's own rule (LedgerDatabase+Campaigns, +Draws, +ProgramEnd), so both stores
// decide the same way; the program end's refusals live here and both stores call them.
extension LedgerRules {
    // MARK: Campaigns

    /// The program file with a campaign added or cancelled at `instant`, or `bad-request`.
    public static func changedCampaigns(
        _ file: ProgramFile, _ change: LedgerDatabase.CampaignChange, merchant: Merchant, at instant: Date
    ) throws -> ProgramFile {
        try LedgerDatabase.changed(file, change, merchant: merchant, at: instant)
    }

    /// The campaigns of the current version's `file` a new upload without "campaigns" keeps.
    public static func carriedCampaigns(_ file: ProgramFile, timeZone: TimeZone) -> [Program.Campaign]? {
        LedgerDatabase.carried(file, timeZone: timeZone)
    }

    public static func campaignsAnswer(_ merchant: Merchant, version: Int, file: ProgramFile, at instant: Date)
        -> CampaignsAnswer
    {
        LedgerDatabase.campaignsAnswer(merchant, version: version, file: file, at: instant)
    }

    /// A program file checked and its stored text; `stored` as for a version already kept (a
    /// campaign change keeps the ended campaigns the file holds).
    public static func programVersion(_ file: ProgramFile, stored: Bool) throws -> (currency: Currency, text: String) {
        let (checked, text) = try LedgerDatabase.versionText(file, stored: stored)
        return (checked.currency, text)
    }

    // MARK: Prize draws

    public static func drawDefinition(_ request: CoreOp.DrawDefine.Parameters, merchant: Merchant, at instant: Date)
        throws(LoyaltyError) -> (code: String, name: String, from: Date, until: Date, perMinor: Int64)
    {
        try LedgerDatabase.drawDefinition(request, merchant: merchant, at: instant)
    }

    public static func drawCode(_ text: String) throws(LoyaltyError) -> String { try LedgerDatabase.drawCode(text) }

    public static func refuseCommit(draw: String, seedHash: String?, untilAt: String, at instant: Date)
        throws(LoyaltyError)
    {
        try LedgerDatabase.refuseCommit(draw: draw, seedHash: seedHash, untilAt: untilAt, at: instant)
    }

    public static func seedToDraw(
        draw: String, drawnAt: String?, sealed: Data?, seedHash: String?, untilAt: String, periodUntil: String,
        at instant: Date, open: (Data) throws -> Data
    ) throws -> Data {
        try LedgerDatabase.seedToDraw(
            draw: draw, drawnAt: drawnAt, sealed: sealed, seedHash: seedHash, untilAt: untilAt,
            periodUntil: periodUntil, at: instant, open: open)
    }

    /// The personal-data cipher's context for a draw's seed (the merchant's and draw's ids, so
    /// a migrated draw opens with the shop's key on the chain).
    public static func seedContext(merchant: Merchant, draw: Int64) -> String {
        LedgerDatabase.seedContext(merchant: merchant, draw: draw)
    }

    /// A draw as the back office is shown it, from the columns of `prize_draw`.
    public static func drawView(_ columns: [String: (any DatabaseValueConvertible)?], merchant: Merchant) throws
        -> DrawView
    {
        try LedgerDatabase.drawView(Row(columns), merchant: merchant)
    }

    public static func drawEntries(
        earns: [(card: String, lines: String?)], returns: [(card: String, lines: String?)], per: Int64,
        merchant: Merchant
    ) throws -> [DrawReportAnswer.Entry] {
        try LedgerDatabase.drawEntries(earns: earns, returns: returns, per: per, merchant: merchant)
    }

    public static func drawn(_ view: DrawView, entries: [DrawReportAnswer.Entry], seed: Data, merchant: Merchant)
        throws -> (view: DrawView, report: DrawReportFile)
    {
        try LedgerDatabase.drawn(view, entries: entries, seed: seed, merchant: merchant)
    }

    public static func drawReportFile(_ view: DrawView, entries: [DrawReportAnswer.Entry], merchant: Merchant)
        -> DrawReportFile
    {
        LedgerDatabase.reportFile(view, entries: entries, merchant: merchant)
    }

    // MARK: The program's end

    /// Earning stops on the end date: a sale made on it or later (its `at`, in the merchant's
    /// time zone) earns nothing. Once the core's own clock (`now`) is past the end date, no sale
    /// earns whatever `at` it is sent with: the final balances are exported then, and a till's
    /// clock must not reopen them. No grace for tills delivering late (docs/program-end.md): the
    /// end is announced six months ahead.
    public static func refuseEarning(after end: String?, at: Date, now: Date, merchant: Merchant) throws {
        guard let end else { return }
        try refuseAfterTheEnd(end, now: now, merchant: merchant, what: "No points for this sale")
        guard Timestamp.localDate(at, timeZone: merchant.timeZone) >= end else { return }
        throw RuleViolation(
            .programClosed,
            "No points for this sale: the loyalty program ends on \(end) and no longer earns from that day on.")
    }

    /// Spending (points, discount, stamps) stays possible through the end date, by the sale's
    /// `at`; after it the balances are frozen, and once the core's clock is past it they are
    /// frozen whatever `at` says (as for earning).
    public static func refuseSpending(after end: String?, at: Date, now: Date, merchant: Merchant) throws {
        guard let end else { return }
        try refuseAfterTheEnd(end, now: now, merchant: merchant, what: "The card cannot be used")
        guard Timestamp.localDate(at, timeZone: merchant.timeZone) > end else { return }
        throw RuleViolation(
            .programClosed,
            "The card cannot be used: the loyalty program ended on \(end) and its balances are frozen.")
    }

    /// A return takes back what its sale earned through the end date; once the core's clock is
    /// past it, nothing is taken back: the final balances were exported, and a return must not
    /// change them afterwards (the shop settles it without the card).
    public static func refuseReturn(after end: String?, now: Date, merchant: Merchant) throws {
        guard let end else { return }
        try refuseAfterTheEnd(end, now: now, merchant: merchant, what: "Nothing is taken back for this return")
    }

    /// The core's clock past the end date: every posting the end freezes is refused.
    static func refuseAfterTheEnd(_ end: String, now: Date, merchant: Merchant, what: String) throws {
        guard Timestamp.localDate(now, timeZone: merchant.timeZone) > end else { return }
        throw RuleViolation(
            .programClosed,
            "\(what): the loyalty program ended on \(end) and its balances are frozen, whatever time the till gives the sale."
        )
    }

    /// An end date to announce at `now`, checked: a real day, no earlier than six months ahead,
    /// none announced before.
    public static func checkedProgramEnd(_ date: String, announced: String?, merchant: Merchant, now: Date) throws
        -> String
    {
        try LedgerDatabase.checkedProgramEnd(date, announced: announced, merchant: merchant, now: now)
    }
}
