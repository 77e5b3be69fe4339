import Foundation
import Logging
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PostgresNIO

// Merchants, programs and the till ops: the same steps as the SQLite store's (LedgerDatabase
// +Transactions, +Returns, +Cards, +Programs), with its pure rules (LoyaltyDomain, LedgerRules).
extension PostgresLedger {
    struct CardRow {
        var id: Int64
        var number: String
        var status: CardStatus
        var accountID: Int64
        var activeFrom: Date?
        /// The pharmacy's patient reference, sealed (`card.link-patient`).
        var patientRef: Data? = nil
    }

    // MARK: Merchants and programs

    public func merchants() async throws -> [Merchant] {
        try await read { connection in
            try await connection.rows("SELECT * FROM merchant ORDER BY code", logger: self.logger).map(Self.merchant)
        }
    }

    static func merchant(_ row: PostgresRandomAccessRow) throws -> Merchant {
        LedgerRules.merchant(
            id: try row.int("id"), code: try row.text("code"), name: try row.text("name"),
            currency: Currency(code: try row.text("currency"), minorDigits: Int(try row.int("minor_digits"))),
            timeZone: TimeZone(identifier: try row.text("time_zone")) ?? .gmt,
            cardPrefix: try row.optionalText("card_prefix"))
    }

    /// The merchant an op is for: the named one, or the only one when the core serves one.
    func merchant(_ connection: PostgresConnection, code: String?) async throws -> Merchant {
        if let code {
            guard
                let row = try await connection.row("SELECT * FROM merchant WHERE code = \(code)", logger: logger)
            else {
                throw LoyaltyError(.unknownMerchant, "No merchant \"\(code)\" is set up in this core.")
            }
            return try Self.merchant(row)
        }
        let rows = try await connection.rows("SELECT * FROM merchant LIMIT 2", logger: logger)
        guard rows.count == 1 else {
            throw rows.isEmpty
                ? LoyaltyError(.unknownMerchant, "No merchant is set up yet: import a program file first.")
                : LoyaltyError(.badRequest, "This core serves several merchants: say which one with \"merchant\".")
        }
        return try Self.merchant(rows[0])
    }

    func currentProgram(_ connection: PostgresConnection, merchant: Merchant) async throws -> (
        versionID: Int64, rules: EarningRules
    ) {
        guard
            let row = try await connection.row(
                "SELECT id FROM program_version WHERE merchant_id = \(merchant.id) ORDER BY version DESC LIMIT 1",
                logger: logger)
        else {
            throw LoyaltyError(.internalError, "Merchant \(merchant.code) has no program.")
        }
        let versionID = try row.int("id")
        return (versionID, try await program(connection, versionID: versionID))
    }

    func program(_ connection: PostgresConnection, versionID: Int64) async throws -> EarningRules {
        try await programs.rules(versionID: versionID) {
            guard
                let row = try await connection.row(
                    "SELECT rules FROM program_version WHERE id = \(versionID)", logger: logger)
            else {
                throw LoyaltyError(.internalError, "Program version \(versionID) is missing.")
            }
            return try LedgerRules.storedRules(try row.text("rules"))
        }
    }

    public func storeProgram(_ file: ProgramFile) async throws -> LedgerDatabase.ImportedProgram {
        let (currency, text) = try LedgerRules.programVersion(file)
        return try await transaction { connection in
            // One importer at a time per merchant code (two cores importing the same file).
            try await connection.run("SELECT pg_advisory_xact_lock(7316002)", logger: self.logger)
            return try await self.store(connection, file, currency, text)
        }
    }

    /// Stores `file` as the merchant's next version (creating the merchant), unless its rules
    /// are the current version's; in a transaction holding the program lock.
    func store(_ connection: PostgresConnection, _ file: ProgramFile, _ currency: Currency, _ text: String)
        async throws -> LedgerDatabase.ImportedProgram
    {
        var file = file
        var text = text
        let spec = file.merchant
        // As on SQLite: a file without "campaigns" keeps the current version's planned and
        // running campaigns (added in the back office); a file with "campaigns" says it all.
        if file.program.campaigns == nil,
            let row = try await connection.row("SELECT * FROM merchant WHERE code = \(spec.code)", logger: logger)
        {
            let merchant = try Self.merchant(row)
            if let (_, current) = try? await currentFile(connection, merchant: merchant),
                let carried = LedgerRules.carriedCampaigns(current, timeZone: merchant.timeZone)
            {
                file.program.campaigns = carried
                text = try LedgerRules.programVersion(file).text
            }
        }
        let merchantID: Int64
        if let existing = try await connection.row(
            "SELECT id, currency FROM merchant WHERE code = \(spec.code)", logger: self.logger)
        {
            let existingCurrency = try existing.text("currency")
            guard existingCurrency == currency.code else {
                throw ProgramError(
                    "merchant.currency: \(spec.code) keeps its balances in \(existingCurrency); a program cannot change the currency."
                )
            }
            merchantID = try existing.int("id")
            try await connection.run(
                "UPDATE merchant SET name = \(spec.name), time_zone = \(spec.timeZone), card_prefix = \(spec.cardPrefix) WHERE id = \(merchantID)",
                logger: self.logger)
        } else {
            let inserted = try await connection.row(
                """
                INSERT INTO merchant (code, name, currency, minor_digits, time_zone, card_prefix, created_at)
                VALUES (\(spec.code), \(spec.name), \(currency.code), \(Int64(currency.minorDigits)), \(spec.timeZone),
                        \(spec.cardPrefix), \(Timestamp.format(Date()))) RETURNING id
                """, logger: self.logger)
            merchantID = try inserted!.int("id")
        }
        let current = try await connection.row(
            "SELECT version, rules FROM program_version WHERE merchant_id = \(merchantID) ORDER BY version DESC LIMIT 1",
            logger: self.logger)
        if let current, try current.text("rules") == text {
            return LedgerRules.imported(
                merchant: spec.code, version: Int(try current.int("version")), created: false)
        }
        let version = (try current?.int("version") ?? 0) + 1
        try await connection.run(
            """
            INSERT INTO program_version (merchant_id, version, rules, created_at)
            VALUES (\(merchantID), \(version), \(text), \(Timestamp.format(Date())))
            """, logger: self.logger)
        return LedgerRules.imported(merchant: spec.code, version: Int(version), created: true)
    }

    public func programVersions(merchant code: String?) async throws -> ProgramVersionsAnswer {
        try await read { connection in
            let merchant = try await self.merchant(connection, code: code)
            let rows = try await connection.rows(
                "SELECT version, rules, created_at FROM program_version WHERE merchant_id = \(merchant.id) ORDER BY version DESC",
                logger: self.logger)
            guard let newest = rows.first else {
                throw LoyaltyError(.unknownMerchant, "\(merchant.code) has no program yet.")
            }
            let current = try JSONDecoder().decode(ProgramFile.self, from: Data(try newest.text("rules").utf8))
            return ProgramVersionsAnswer(
                merchant: merchant.code, current: current,
                versions: try rows.map {
                    .init(version: Int(try $0.int("version")), createdAt: try $0.text("created_at"))
                })
        }
    }

    public func rewards(merchant code: String?) async throws -> RewardsAnswer {
        try await read { connection in
            let merchant = try await self.merchant(connection, code: code)
            return RewardsAnswer(
                rewards: try await self.currentProgram(connection, merchant: merchant).rules.program.rewards ?? [])
        }
    }

    // MARK: Cards and accounts

    func card(_ connection: PostgresConnection, merchant: Merchant, number: CardNumber) async throws -> CardRow? {
        guard
            let row = try await connection.row(
                """
                SELECT id, number, status, account_id, active_from, patient_ref FROM card
                WHERE merchant_id = \(merchant.id) AND number = \(number.digits)
                """, logger: logger)
        else { return nil }
        return CardRow(
            id: try row.int("id"), number: try row.text("number"),
            status: CardStatus(rawValue: try row.text("status")) ?? .blocked, accountID: try row.int("account_id"),
            activeFrom: try row.optionalText("active_from").flatMap(Timestamp.parse),
            patientRef: try row.bytes("patient_ref"))
    }

    func requireCard(_ connection: PostgresConnection, merchant: Merchant, number: CardNumber) async throws -> CardRow {
        guard let card = try await card(connection, merchant: merchant, number: number) else {
            throw LoyaltyError(.unknownCard, "Card \(number) is not a card of \(merchant.name).")
        }
        return card
    }

    /// The account's balances; with `lock`, its row is locked until the transaction ends, so
    /// that another core's spend from it waits and then sees this one's result.
    func account(_ connection: PostgresConnection, id: Int64, lock: Bool) async throws -> LedgerRules.Balances {
        let sql =
            "SELECT id, points, balance_minor, prepaid_minor, stamps, member, customer_id FROM account WHERE id = $1"
        var bindings = PostgresBindings()
        bindings.append(id)
        guard
            let row = try await connection.row(
                PostgresQuery(unsafeSQL: lock ? sql + " FOR UPDATE" : sql, binds: bindings), logger: logger)
        else {
            throw LoyaltyError(.internalError, "Account \(id) is missing.")
        }
        return LedgerRules.Balances(
            id: try row.int("id"), points: try row.int("points"), balanceMinor: try row.int("balance_minor"),
            prepaidMinor: try row.int("prepaid_minor"), stamps: try row.int("stamps"),
            member: try row.int("member") != 0, customerID: try row.optionalInt("customer_id"))
    }

    /// Whether the account was a member at `instant` (as `LedgerDatabase.member`).
    func member(_ connection: PostgresConnection, account: LedgerRules.Balances, at instant: Date) async throws -> Bool
    {
        let at = Timestamp.format(instant)
        if let before = try await connection.row(
            """
            SELECT member FROM account_change WHERE account_id = \(account.id) AND kind = 'membership' AND from_at <= \(at)
            ORDER BY from_at DESC, id DESC LIMIT 1
            """, logger: logger)
        {
            return try before.int("member") != 0
        }
        if let after = try await connection.row(
            """
            SELECT previous_member FROM account_change WHERE account_id = \(account.id) AND kind = 'membership'
            AND from_at > \(at) ORDER BY from_at, id LIMIT 1
            """, logger: logger)
        {
            return try after.int("previous_member") != 0
        }
        return account.member
    }

    func enrol(_ connection: PostgresConnection, merchant: Merchant, number: CardNumber, rules: EarningRules)
        async throws -> CardRow
    {
        guard rules.mayEnrol(number, cardPrefix: merchant.cardPrefix) else {
            throw RuleViolation(.unknownCard, "Card \(number) is not a card of \(merchant.name).")
        }
        let now = Timestamp.format(Date())
        let account = try await connection.row(
            "INSERT INTO account (merchant_id, member, created_at) VALUES (\(merchant.id), 0, \(now)) RETURNING id",
            logger: logger)
        let accountID = try account!.int("id")
        // Another core enrolling the same card at once fails this insert on UNIQUE (merchant,
        // number); the transaction runs again and finds the card.
        let card = try await connection.row(
            """
            INSERT INTO card (merchant_id, number, account_id, status, created_at)
            VALUES (\(merchant.id), \(number.digits), \(accountID), \(CardStatus.active.rawValue), \(now)) RETURNING id
            """, logger: logger)
        return CardRow(id: try card!.int("id"), number: number.digits, status: .active, accountID: accountID)
    }

    /// Registers cards, each on an account of its own, in one transaction: all or none (as
    /// `LedgerDatabase.addCards`; for set-up and tests).
    public func addCards(
        merchant code: String?, numbers: [CardNumber], status: CardStatus = .active, member: Bool = false
    ) async throws {
        try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            let now = Timestamp.format(Date())
            for number in numbers {
                if try await self.card(connection, merchant: merchant, number: number) != nil {
                    throw LoyaltyError(.badRequest, "Card \(number) is already registered at \(merchant.code).")
                }
                let account = try await connection.row(
                    """
                    INSERT INTO account (merchant_id, member, created_at)
                    VALUES (\(merchant.id), \(Int64(member ? 1 : 0)), \(now)) RETURNING id
                    """, logger: self.logger)
                try await connection.run(
                    """
                    INSERT INTO card (merchant_id, number, account_id, status, created_at)
                    VALUES (\(merchant.id), \(number.digits), \(try account!.int("id")), \(status.rawValue), \(now))
                    """, logger: self.logger)
            }
        }
    }

    // MARK: Till ops

    public func lookup(merchant code: String?, card text: String) async throws -> CardLookupAnswer {
        let number = try CardNumber(text)
        return try await read { connection in
            let merchant = try await self.merchant(connection, code: code)
            guard let card = try await self.card(connection, merchant: merchant, number: number) else {
                let (_, rules) = try await self.currentProgram(connection, merchant: merchant)
                guard rules.mayEnrol(number, cardPrefix: merchant.cardPrefix) else {
                    throw RuleViolation(.unknownCard, "Card \(number) is not a card of \(merchant.name).")
                }
                var unseen = CardLookupAnswer(
                    card: CardView(number: number.digits, status: .active),
                    account: AccountView(
                        id: nil, points: 0, balance: Money.zero(merchant.currency).decimalString,
                        currency: merchant.currency.code),
                    customer: nil, patientRef: nil, member: false,
                    stampCard: LedgerRules.stampCard(rules, stamps: 0))
                unseen.programEnds = try await self.programEnd(connection, merchant: merchant)
                return unseen
            }
            let account = try await self.account(connection, id: card.accountID, lock: false)
            let vouchers = try await self.openVouchers(connection, merchant: merchant, accountID: account.id)
            var answer = CardLookupAnswer(
                card: CardView(number: card.number, status: card.status.shown(at: Date(), activeFrom: card.activeFrom)),
                account: LedgerRules.view(account, merchant: merchant),
                customer: try await self.displayName(connection, merchant: merchant, account: account).map(
                    CustomerView.init), patientRef: try self.patientRef(card, merchant: merchant),
                member: account.member,
                stampCard: (try? await self.currentProgram(connection, merchant: merchant).rules).flatMap {
                    LedgerRules.stampCard($0, stamps: account.stamps)
                }, vouchers: vouchers.isEmpty ? nil : vouchers)
            answer.programEnds = try await self.programEnd(connection, merchant: merchant)
            return answer
        }
    }

    /// The stored answer to this (till, receipt), replayed, if there is one.
    func replay(
        _ connection: PostgresConnection, merchant: Merchant, till: String, receipt: String, kind: String,
        digest: Data
    ) async throws -> TxnAnswer? {
        guard
            let row = try await connection.row(
                """
                SELECT kind, answer, request_digest FROM till_txn
                WHERE merchant_id = \(merchant.id) AND till = \(till) AND receipt = \(receipt)
                """, logger: logger)
        else { return nil }
        return try LedgerRules.replay(
            storedKind: try row.text("kind"), answer: try row.text("answer"),
            storedDigest: try row.bytes("request_digest"),
            till: till, receipt: receipt, kind: kind, digest: digest)
    }

    public func earn(_ request: CoreOp.TxnEarn.Parameters) async throws -> TxnAnswer {
        let request = try request.checked(needsLines: true)
        let number = try CardNumber(request.card)
        let saleTime = try request.time()
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: request.merchant)
            let lines = try request.lines.map { line throws(LoyaltyError) in
                try line.saleLine(currency: merchant.currency)
            }
            let digest = LedgerRules.earnDigest(card: number, lines: lines, at: saleTime, applied: request.applied)
            let end = try await self.programEnd(connection, merchant: merchant)
            if var answer = try await self.replay(
                connection, merchant: merchant, till: request.till, receipt: request.receipt, kind: "earn",
                digest: digest)
            {
                answer.programEnds = end
                return answer
            }
            let (versionID, rules) = try await self.currentProgram(connection, merchant: merchant)
            let at = saleTime ?? Date()
            if let reason = rules.closedReason(at: at) {
                throw RuleViolation(.programClosed, "No points for this sale: \(reason).")
            }
            try LedgerRules.refuseEarning(after: end, at: at, now: Date(), merchant: merchant)
            var card = try await self.card(connection, merchant: merchant, number: number)
            if card == nil { card = try await self.enrol(connection, merchant: merchant, number: number, rules: rules) }
            guard let card else { throw LoyaltyError(.internalError, "Card \(number) could not be enrolled.") }
            try card.status.requireUsable(card: card.number, activeFrom: card.activeFrom, at: at)
            var account = try await self.account(connection, id: card.accountID, lock: true)
            account.member = try await self.member(connection, account: account, at: at)
            let earning = rules.earning(for: lines, member: account.member, at: at)
            let applied = try LedgerRules.checkedApplied(
                request.applied, lines: lines, rules: rules, member: account.member, currency: merchant.currency)
            let stamps = rules.stamps(for: lines)
            var answer = try await self.post(
                connection, merchant: merchant,
                Posting(
                    kind: "earn", till: request.till, receipt: request.receipt, card: card.number, account: account,
                    programVersionID: versionID, originalTxnID: nil, lines: lines,
                    intendedPoints: earning.points, intendedMinor: earning.discount.minorUnits,
                    points: earning.points, minor: earning.discount.minorUnits, at: at, redeemed: nil,
                    stamps: stamps, intendedStamps: stamps, applied: applied, digest: digest))
            answer.programEnds = end
            return answer
        }
    }

    public func redeem(_ request: CoreOp.TxnRedeem.Parameters) async throws -> TxnAnswer {
        let request = try request.checked(needsLines: false)
        let number = try CardNumber(request.card)
        let ask = try request.ask()
        let saleTime = try request.time()
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: request.merchant)
            let digest = LedgerRules.redeemDigest(request, card: number, at: saleTime, currency: merchant.currency)
            let end = try await self.programEnd(connection, merchant: merchant)
            if var answer = try await self.replay(
                connection, merchant: merchant, till: request.till, receipt: request.receipt, kind: "redeem",
                digest: digest)
            {
                answer.programEnds = end
                return answer
            }
            let (versionID, rules) = try await self.currentProgram(connection, merchant: merchant)
            let at = saleTime ?? Date()
            if let reason = rules.closedReason(at: at) {
                throw RuleViolation(.programClosed, "The card cannot be used now: \(reason).")
            }
            try LedgerRules.refuseSpending(after: end, at: at, now: Date(), merchant: merchant)
            let card = try await self.requireCard(connection, merchant: merchant, number: number)
            try card.status.requireUsable(card: card.number, activeFrom: card.activeFrom, at: at)
            // Locked: another core's redeem from this account waits here until this one
            // commits, then reads what is left.
            let account = try await self.account(connection, id: card.accountID, lock: true)
            let spend = try rules.spend(
                ask, points: account.points,
                discount: Money(minorUnits: account.balanceMinor, currency: merchant.currency))
            var answer = try await self.post(
                connection, merchant: merchant,
                Posting(
                    kind: "redeem", till: request.till, receipt: request.receipt, card: card.number, account: account,
                    programVersionID: versionID, originalTxnID: nil, lines: nil,
                    intendedPoints: -spend.points, intendedMinor: -spend.discount.minorUnits,
                    points: -spend.points, minor: -spend.discount.minorUnits, at: at,
                    redeemed: TxnAnswer.Redeemed(
                        points: spend.points, amount: spend.discount.decimalString, reward: spend.reward),
                    digest: digest))
            answer.programEnds = end
            return answer
        }
    }

    public func returnLines(_ request: CoreOp.TxnReturn.Parameters) async throws -> TxnAnswer {
        let request = try request.checked(needsLines: true)
        let saleTime = try request.time()
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: request.merchant)
            let returning = try request.lines.map { line throws(LoyaltyError) in
                try line.saleLine(currency: merchant.currency)
            }
            let digest = LedgerRules.returnDigest(
                lines: returning, at: saleTime, originalTill: request.original.till,
                originalReceipt: request.original.receipt)
            if let answer = try await self.replay(
                connection, merchant: merchant, till: request.till, receipt: request.receipt, kind: "return",
                digest: digest)
            {
                return answer
            }
            try LedgerRules.refuseReturn(
                after: try await self.programEnd(connection, merchant: merchant), now: Date(), merchant: merchant)
            guard
                let original = try await connection.row(
                    """
                    SELECT id, account_id, card_number, program_version_id, member, lines, points, amount_minor, at
                    FROM till_txn WHERE merchant_id = \(merchant.id) AND till = \(request.original.till)
                    AND receipt = \(request.original.receipt) AND kind = 'earn'
                    """, logger: self.logger)
            else {
                throw LoyaltyError(
                    .unknownReceipt,
                    "No earn is recorded for receipt \(request.original.receipt) of till \(request.original.till).")
            }
            let originalID = try original.int("id")
            let versionID = try original.int("program_version_id")
            let rules = try await self.program(connection, versionID: versionID)
            // The account first, locked: two returns of one receipt on two cores then run one
            // after the other, and the second sees what the first took back.
            let account = try await self.account(connection, id: try original.int("account_id"), lock: true)
            let decoder = JSONDecoder()
            let originalLines = try decoder.decode(
                [SaleLine].self, from: Data((try original.optionalText("lines") ?? "[]").utf8))
            var earlierLines: [SaleLine] = []
            var taken = Earning(points: 0, discount: .zero(merchant.currency))
            for row in try await connection.rows(
                "SELECT lines, points, amount_minor FROM till_txn WHERE original_txn_id = \(originalID)",
                logger: self.logger)
            {
                earlierLines += try decoder.decode(
                    [SaleLine].self, from: Data((try row.optionalText("lines") ?? "[]").utf8))
                taken.points -= try row.int("points")
                taken.discount.minorUnits -= try row.int("amount_minor")
            }
            let calculation = ReturnCalculation(
                originalLines: originalLines,
                originalEarning: Earning(
                    points: try original.int("points"),
                    discount: Money(minorUnits: try original.int("amount_minor"), currency: merchant.currency)),
                member: try original.int("member") != 0, saleTime: Timestamp.parse(try original.text("at")))
            let back = try calculation.takeBack(
                rules: rules, earlierReturns: earlierLines, alreadyTaken: taken, returning: returning)
            let stampsBack = try await self.stampsBack(
                connection, rules: rules, originalID: originalID, originalLines: originalLines, returning: returning)
            return try await self.post(
                connection, merchant: merchant,
                Posting(
                    kind: "return", till: request.till, receipt: request.receipt,
                    card: try original.text("card_number"), account: account, programVersionID: versionID,
                    originalTxnID: originalID, lines: returning,
                    intendedPoints: -back.points, intendedMinor: -back.discount.minorUnits,
                    points: -min(back.points, account.points),
                    minor: -min(back.discount.minorUnits, account.balanceMinor),
                    at: saleTime ?? Date(), redeemed: nil,
                    // Stamps already spent on a reward cannot come back: the card stops at zero.
                    stamps: -min(stampsBack, account.stamps), intendedStamps: -stampsBack, digest: digest))
        }
    }

    public func history(merchant code: String?, card text: String, limit: Int) async throws -> HistoryAnswer {
        let number = try CardNumber(text)
        return try await read { connection in
            let merchant = try await self.merchant(connection, code: code)
            let card = try await self.requireCard(connection, merchant: merchant, number: number)
            let limit = Int64(max(1, min(limit, 1000)))
            let rows = try await connection.rows(
                """
                SELECT e.*, (SELECT version FROM program_version WHERE id = e.program_version_id) AS program_version,
                       (SELECT t.applied FROM till_txn t WHERE t.id = e.txn_id) AS applied
                FROM ledger_entry e WHERE e.account_id = \(card.accountID) ORDER BY e.id DESC LIMIT \(limit)
                """, logger: self.logger)
            let entries = try rows.map { try Self.historyEntry($0, merchant: merchant) }
            let changes = try await connection.rows(
                """
                SELECT kind, card_number, member, from_at FROM account_change WHERE account_id = \(card.accountID)
                ORDER BY id DESC LIMIT \(limit)
                """, logger: self.logger
            ).map {
                AccountChange(
                    kind: try $0.text("kind"), card: try $0.text("card_number"),
                    member: try $0.optionalInt("member").map { $0 != 0 }, at: try $0.text("from_at"))
            }
            return HistoryAnswer(entries: entries, changes: changes.isEmpty ? nil : changes)
        }
    }

    // MARK: Posting

    struct Posting: Sendable {
        var kind: String
        var till: String
        var receipt: String
        var card: String
        var account: LedgerRules.Balances
        var programVersionID: Int64?
        var originalTxnID: Int64?
        var lines: [SaleLine]?
        var intendedPoints: Int64
        var intendedMinor: Int64
        var points: Int64
        var minor: Int64
        var at: Date
        var redeemed: TxnAnswer.Redeemed?
        /// The stamps the sale gives (an earn) or takes back (a return, negative), and what a
        /// return meant to take back: a stamp transaction of its own with its own entry.
        var stamps: Int64 = 0
        var intendedStamps: Int64 = 0
        /// The cardholder discounts an earn applied (checked against its quote).
        var applied: [QuoteLine]? = nil
        var digest: Data
    }

    /// Writes the transaction, its one ledger entry and the account's new balance (as
    /// `LedgerDatabase.post`): the account row is already locked by the caller.
    func post(_ connection: PostgresConnection, merchant: Merchant, _ posting: Posting) async throws -> TxnAnswer {
        let at = Timestamp.format(posting.at)
        let linesJSON = try posting.lines.map { try LedgerRules.encoded($0) }
        // The id is part of the stored answer: taken from the sequence before the insert.
        let txnID = try await connection.row("SELECT nextval('till_txn_id_seq') AS id", logger: logger)!.int("id")
        let shortfallPoints = posting.points - posting.intendedPoints
        let shortfallMinor = posting.minor - posting.intendedMinor
        var after = try LedgerRules.moved(
            posting.account, points: posting.points, minor: posting.minor, kind: posting.kind)
        let stampKind = posting.kind == "earn" ? "stamp-earn" : "stamp-return"
        if posting.stamps != 0 {
            after = try LedgerRules.moved(after, points: 0, minor: 0, stamps: posting.stamps, kind: stampKind)
        }
        let money = { (minor: Int64) in Money(minorUnits: minor, currency: merchant.currency).decimalString }
        var answer = TxnAnswer(
            txn: txnID, kind: posting.kind, card: posting.card, points: posting.points, discount: money(posting.minor),
            account: LedgerRules.view(after, merchant: merchant), at: at, redeemed: posting.redeemed,
            shortfall: shortfallPoints == 0 && shortfallMinor == 0
                ? nil
                : TxnAnswer.Shortfall(points: shortfallPoints, amount: money(shortfallMinor)),
            replayed: false)
        if posting.stamps != 0 || posting.intendedStamps != 0 { answer.stamps = posting.stamps }
        let member: Int64 = posting.account.member ? 1 : 0
        let appliedJSON = try posting.applied.map { try LedgerRules.encoded($0) }
        try await connection.run(
            """
            INSERT INTO till_txn (id, merchant_id, till, receipt, kind, account_id, card_number, program_version_id,
                                  original_txn_id, member, lines, points, amount_minor, answer, at, request_digest,
                                  applied)
            VALUES (\(txnID), \(merchant.id), \(posting.till), \(posting.receipt), \(posting.kind), \(posting.account.id),
                    \(posting.card), \(posting.programVersionID), \(posting.originalTxnID), \(member), \(linesJSON),
                    \(posting.intendedPoints), \(posting.intendedMinor), \(try LedgerRules.encoded(answer)), \(at),
                    \(posting.digest), \(appliedJSON))
            """, logger: logger)
        if posting.kind == "earn" || posting.kind == "return" {
            // Held until the commit: the statistics' roll-up fixes its horizon only when no
            // sale is between taking its entry id and committing (`rollUpHorizon`).
            try await connection.run("SELECT pg_advisory_xact_lock_shared(\(Self.salesInFlightLock))", logger: logger)
        }
        try await connection.run(
            """
            INSERT INTO ledger_entry (merchant_id, account_id, card_number, txn_id, till, receipt, kind, points,
                                      amount_minor, shortfall_points, shortfall_minor, program_version_id, at, recorded_at)
            VALUES (\(merchant.id), \(posting.account.id), \(posting.card), \(txnID), \(posting.till), \(posting.receipt),
                    \(posting.kind), \(posting.points), \(posting.minor), \(shortfallPoints), \(shortfallMinor),
                    \(posting.programVersionID), \(at), \(Timestamp.format(Date())))
            """, logger: logger)
        try await connection.run(
            """
            UPDATE account SET points = points + \(posting.points), balance_minor = balance_minor + \(posting.minor)
            WHERE id = \(posting.account.id)
            """, logger: logger)
        if posting.stamps != 0 || posting.intendedStamps != 0 {
            _ = try await postStamps(
                connection, merchant: merchant, kind: posting.kind, till: posting.till, receipt: posting.receipt,
                card: posting.card, accountID: posting.account.id, tillTxnID: txnID,
                intended: posting.intendedStamps, stamps: posting.stamps, entryKind: stampKind, answer: nil, at: at,
                digest: posting.digest)
        }
        return answer
    }
}
