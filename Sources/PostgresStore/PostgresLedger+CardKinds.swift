import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PostgresNIO

// Stamp cards, vouchers and cardholder prices, as the SQLite store's LedgerDatabase+CardKinds
// with its rules (LedgerRules, LoyaltyDomain). A sale's stamps are a `stamp_txn` tied to the
// sale's `till_txn`, in the same transaction (so a replayed sale gives none twice); a stamp
// redeem locks the account first, like a points redeem. A voucher's use is one guarded update
// (`used < uses_allowed`): at READ COMMITTED a second core's update of the same voucher waits
// for the first to commit and then finds the guard false, so the last use is given once.
extension PostgresLedger {
    /// Writes a stamp transaction and its one entry, and moves the (locked) account's stamps;
    /// the transaction's id (from its sequence: part of a redeem's stored answer).
    func postStamps(
        _ connection: PostgresConnection, merchant: Merchant, kind: String, till: String, receipt: String,
        card: String, accountID: Int64, tillTxnID: Int64?, intended: Int64, stamps: Int64, entryKind: String,
        answer: ((Int64) throws -> String)?, at: String, digest: Data
    ) async throws -> Int64 {
        let id = try await connection.row("SELECT nextval('stamp_txn_id_seq') AS id", logger: logger)!.int("id")
        try await connection.run(
            """
            INSERT INTO stamp_txn (id, merchant_id, till, receipt, kind, account_id, card_number, till_txn_id, stamps,
                                   answer, request_digest, at)
            VALUES (\(id), \(merchant.id), \(till), \(receipt), \(kind), \(accountID), \(card), \(tillTxnID), \(intended),
                    \(try answer?(id)), \(digest), \(at))
            """, logger: logger)
        try await connection.run(
            """
            INSERT INTO ledger_entry (merchant_id, account_id, card_number, till, receipt, kind, points, amount_minor,
                                      at, recorded_at, stamps, stamp_txn_id)
            VALUES (\(merchant.id), \(accountID), \(card), \(till), \(receipt), \(entryKind), 0, 0, \(at),
                    \(Timestamp.format(Date())), \(stamps), \(id))
            """, logger: logger)
        try await connection.run(
            "UPDATE account SET stamps = stamps + \(stamps) WHERE id = \(accountID)", logger: logger)
        return id
    }

    /// The stamps a return takes back: under the original sale's rules, from its lines.
    func stampsBack(
        _ connection: PostgresConnection, rules: EarningRules, originalID: Int64, originalLines: [SaleLine],
        returning: [SaleLine]
    ) async throws -> Int64 {
        guard rules.stampRule != nil else { return 0 }
        let earned =
            try await connection.row(
                "SELECT stamps FROM stamp_txn WHERE till_txn_id = \(originalID) AND kind = 'earn'", logger: logger)?
            .int("stamps") ?? 0
        guard earned > 0 else { return 0 }
        var earlier: [SaleLine] = []
        var taken: Int64 = 0
        for row in try await connection.rows(
            """
            SELECT t.lines, s.stamps FROM till_txn t LEFT JOIN stamp_txn s ON s.till_txn_id = t.id
            WHERE t.original_txn_id = \(originalID)
            """, logger: logger)
        {
            earlier += try JSONDecoder().decode(
                [SaleLine].self, from: Data((try row.optionalText("lines") ?? "[]").utf8))
            taken -= try row.optionalInt("stamps") ?? 0
        }
        return rules.stampsBack(
            original: originalLines, originalStamps: earned, earlierReturns: earlier, alreadyTaken: taken,
            returning: returning)
    }

    public func stampsRedeem(_ request: CoreOp.StampsRedeem.Parameters) async throws -> StampAnswer {
        let request = try request.checked(needsLines: false)
        let number = try CardNumber(request.card)
        let saleTime = try request.time()
        let digest = LedgerRules.stampsRedeemDigest(card: number, at: saleTime)
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: request.merchant)
            // Two cores with the same (till, receipt): the second's insert fails on the unique
            // index, the transaction runs again and replays the first's answer here.
            if let row = try await connection.row(
                """
                SELECT answer, request_digest FROM stamp_txn
                WHERE merchant_id = \(merchant.id) AND till = \(request.till) AND receipt = \(request.receipt)
                  AND kind = 'redeem'
                """, logger: self.logger)
            {
                return try LedgerRules.stampReplay(
                    answer: try row.optionalText("answer") ?? "",
                    storedDigest: try row.bytes("request_digest") ?? Data(),
                    digest: digest, till: request.till, receipt: request.receipt)
            }
            let (_, rules) = try await self.currentProgram(connection, merchant: merchant)
            let rule = try LedgerRules.stampRule(rules, merchant: merchant)
            let at = saleTime ?? Date()
            if let reason = rules.closedReason(at: at) {
                throw RuleViolation(.programClosed, "The card cannot be used now: \(reason).")
            }
            // Stamps are a loyalty balance too: frozen after the program's end.
            try LedgerRules.refuseSpending(
                after: try await self.programEnd(connection, merchant: merchant), at: at, now: Date(),
                merchant: merchant)
            let card = try await self.requireCard(connection, merchant: merchant, number: number)
            try card.status.requireUsable(card: card.number, activeFrom: card.activeFrom, at: at)
            // Locked: a second core's stamp redeem on this account waits and then counts what is left.
            let account = try await self.account(connection, id: card.accountID, lock: true)
            let needed = try LedgerRules.stampsNeeded(rule, stamps: account.stamps, card: number)
            let atText = Timestamp.format(at)
            var answer: StampAnswer?
            _ = try await self.postStamps(
                connection, merchant: merchant, kind: "redeem", till: request.till, receipt: request.receipt,
                card: card.number, accountID: account.id, tillTxnID: nil, intended: -needed, stamps: -needed,
                entryKind: "stamp-redeem",
                answer: { id in
                    let made = StampAnswer(
                        txn: id, kind: "redeem", card: card.number, stamps: -needed,
                        balance: account.stamps - needed, reward: rule.reward, at: atText, replayed: false)
                    answer = made
                    return try LedgerRules.encoded(made)
                }, at: atText, digest: digest)
            return answer!
        }
    }

    public func quote(_ request: CoreOp.TxnQuote.Parameters) async throws -> QuoteAnswer {
        let (number, saleTime) = try LedgerRules.quoteInput(request)
        return try await read { connection in
            let merchant = try await self.merchant(connection, code: request.merchant)
            let lines = try request.lines.map { line throws(LoyaltyError) in
                try line.saleLine(currency: merchant.currency)
            }
            let (_, rules) = try await self.currentProgram(connection, merchant: merchant)
            let at = saleTime ?? Date()
            var member = false
            if let card = try await self.card(connection, merchant: merchant, number: number) {
                try card.status.requireUsable(card: card.number, activeFrom: card.activeFrom, at: at)
                member = try await self.member(
                    connection, account: try await self.account(connection, id: card.accountID, lock: false), at: at)
            } else if !rules.mayEnrol(number, cardPrefix: merchant.cardPrefix) {
                throw RuleViolation(.unknownCard, "Card \(number) is not a card of \(merchant.name).")
            }
            try LedgerRules.checkQuoteOpen(rules, at: at)
            return try LedgerRules.quoteAnswer(
                card: number, lines: lines, rules: rules, member: member, merchant: merchant)
        }
    }

    // MARK: Vouchers

    public func voucherIssue(_ request: CoreOp.VoucherIssue.Parameters) async throws -> VoucherAnswer {
        let request = try request.checked(needsLines: false)
        let number = try request.card.map { text throws(RuleViolation) in try CardNumber(text) }
        let issueTime = try request.time()
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: request.merchant)
            let terms = try LedgerRules.voucherTerms(request, merchant: merchant)
            let digest = LedgerRules.voucherIssueDigest(card: number, at: issueTime, terms: terms)
            // One row per (merchant, till, receipt) by UNIQUE: a second core's issue of the same
            // receipt fails its insert, runs again and replays this.
            if let row = try await connection.row(
                """
                SELECT answer, request_digest FROM voucher
                WHERE merchant_id = \(merchant.id) AND till = \(request.till) AND receipt = \(request.receipt)
                """, logger: self.logger)
            {
                return try LedgerRules.voucherIssueReplay(
                    answer: try row.text("answer"), storedDigest: try row.bytes("request_digest") ?? Data(),
                    digest: digest, till: request.till, receipt: request.receipt)
            }
            let at = issueTime ?? Date()
            var card: CardRow?
            if let number {
                let (_, rules) = try await self.currentProgram(connection, merchant: merchant)
                var found = try await self.card(connection, merchant: merchant, number: number)
                if found == nil {
                    found = try await self.enrol(connection, merchant: merchant, number: number, rules: rules)
                }
                try found!.status.requireUsable(card: found!.number, activeFrom: found!.activeFrom, at: at)
                card = found
            }
            var code = ""
            for _ in 0..<20 {
                let candidate = LedgerRules.newVoucherCode()
                // Codes are UNIQUE across merchants: another core taking the same code at once
                // fails this transaction's insert, which then runs again with a new one.
                if try await connection.row(
                    "SELECT 1 AS one FROM voucher WHERE code = \(candidate)", logger: self.logger)
                    == nil
                {
                    code = candidate
                    break
                }
            }
            guard !code.isEmpty else { throw LoyaltyError(.internalError, "No free voucher code was found.") }
            let atText = Timestamp.format(at)
            let view = LedgerRules.voucherView(
                code: code, terms: terms, used: 0, card: card?.number,
                today: Timestamp.localDate(at, timeZone: merchant.timeZone), currency: merchant.currency)
            let answer = VoucherAnswer(kind: "issue", voucher: view, discount: nil, at: atText, replayed: false)
            try await connection.run(
                """
                INSERT INTO voucher (merchant_id, code, terms, uses_allowed, used, account_id, card_number, till, receipt,
                                     answer, request_digest, at)
                VALUES (\(merchant.id), \(code), \(try LedgerRules.encoded(terms)), \(terms.uses), 0, \(card?.accountID),
                        \(card?.number), \(request.till), \(request.receipt), \(try LedgerRules.encoded(answer)), \(digest),
                        \(atText))
                """, logger: self.logger)
            return answer
        }
    }

    public func voucherRedeem(_ request: CoreOp.VoucherRedeem.Parameters) async throws -> VoucherAnswer {
        let request = try request.checked(needsLines: false)
        let code = try VoucherCode.parse(request.code)
        let saleTime = try request.time()
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: request.merchant)
            let purchase = try LedgerRules.voucherPurchase(request.purchaseTotal, merchant: merchant)
            let voucher = try await self.requireVoucher(connection, merchant: merchant, code: code)
            let digest = LedgerRules.voucherRedeemDigest(at: saleTime, purchase: purchase, code: code)
            if let row = try await connection.row(
                """
                SELECT answer, request_digest FROM voucher_use
                WHERE merchant_id = \(merchant.id) AND till = \(request.till) AND receipt = \(request.receipt)
                  AND voucher_id = \(voucher.id)
                """, logger: self.logger)
            {
                return try LedgerRules.voucherRedeemReplay(
                    answer: try row.text("answer"), storedDigest: try row.bytes("request_digest") ?? Data(),
                    digest: digest, code: code, till: request.till, receipt: request.receipt)
            }
            let at = saleTime ?? Date()
            let (_, rules) = try await self.currentProgram(connection, merchant: merchant)
            if let reason = rules.closedReason(at: at) {
                throw RuleViolation(.programClosed, "Vouchers cannot be used now: \(reason).")
            }
            let today = Timestamp.localDate(at, timeZone: merchant.timeZone)
            // The guarded update first: it waits for another core's use of this voucher, and
            // the terms are then judged on the count it leaves.
            guard
                let used = try await connection.row(
                    """
                    UPDATE voucher SET used = used + 1 WHERE id = \(voucher.id) AND used < uses_allowed
                    RETURNING used
                    """, logger: self.logger)?.int("used")
            else {
                throw RuleViolation(.voucherSpent, "Voucher \(code) has already been used.")
            }
            let off = try voucher.terms.redeem(
                code: code, purchase: purchase, used: used - 1, today: today, currency: merchant.currency)
            let atText = Timestamp.format(at)
            let answer = VoucherAnswer(
                kind: "redeem",
                voucher: LedgerRules.voucherView(
                    code: code, terms: voucher.terms, used: used, card: voucher.card, today: today,
                    currency: merchant.currency),
                discount: Money(minorUnits: off, currency: merchant.currency).decimalString, at: atText, replayed: false
            )
            try await connection.run(
                """
                INSERT INTO voucher_use (merchant_id, voucher_id, till, receipt, amount_minor, answer, request_digest, at)
                VALUES (\(merchant.id), \(voucher.id), \(request.till), \(request.receipt), \(off),
                        \(try LedgerRules.encoded(answer)), \(digest), \(atText))
                """, logger: self.logger)
            return answer
        }
    }

    public func voucherLookup(merchant merchantCode: String?, code text: String) async throws -> VoucherView {
        let code = try VoucherCode.parse(text)
        return try await read { connection in
            let merchant = try await self.merchant(connection, code: merchantCode)
            let voucher = try await self.requireVoucher(connection, merchant: merchant, code: code)
            return LedgerRules.voucherView(
                code: code, terms: voucher.terms, used: voucher.used, card: voucher.card,
                today: Timestamp.localDate(Date(), timeZone: merchant.timeZone), currency: merchant.currency)
        }
    }

    struct VoucherRow {
        var id: Int64
        var terms: VoucherTerms
        var used: Int64
        var card: String?
    }

    func requireVoucher(_ connection: PostgresConnection, merchant: Merchant, code: String) async throws -> VoucherRow {
        let row = try await connection.row(
            "SELECT id, merchant_id, terms, used, card_number FROM voucher WHERE code = \(code)", logger: logger)
        try LedgerRules.checkVoucherMerchant(try row?.int("merchant_id"), merchant: merchant, code: code)
        guard let row else { throw LoyaltyError(.internalError, "Voucher \(code) vanished.") }
        return VoucherRow(
            id: try row.int("id"),
            terms: try JSONDecoder().decode(VoucherTerms.self, from: Data(try row.text("terms").utf8)),
            used: try row.int("used"), card: try row.optionalText("card_number"))
    }

    /// The account's vouchers that can still be used, for `card.lookup` (as on SQLite).
    func openVouchers(_ connection: PostgresConnection, merchant: Merchant, accountID: Int64) async throws
        -> [VoucherView]
    {
        let today = Timestamp.localDate(Date(), timeZone: merchant.timeZone)
        return try await connection.rows(
            """
            SELECT code, terms, used, card_number FROM voucher
            WHERE account_id = \(accountID) AND used < uses_allowed ORDER BY id LIMIT 20
            """, logger: logger
        ).compactMap { row in
            guard
                let terms = try? JSONDecoder().decode(VoucherTerms.self, from: Data(try row.text("terms").utf8))
            else { return nil }
            let view = LedgerRules.voucherView(
                code: try row.text("code"), terms: terms, used: try row.int("used"),
                card: try row.optionalText("card_number"), today: today, currency: merchant.currency)
            return view.state == "expired" ? nil : view
        }
    }
}
