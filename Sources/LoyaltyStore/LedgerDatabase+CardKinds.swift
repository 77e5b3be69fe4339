import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain

/// Stamp cards, vouchers and cardholder prices (the rules: LoyaltyDomain/CardKinds.swift).
///
/// Stamps: a balance of their own. A sale's stamps (an earn's, a return's taken back) are a
/// `stamp_txn` tied to the sale's `till_txn`, written in the same SQLite transaction, so a
/// retried sale (replayed before anything is written) gives nothing twice. A redeem is a
/// `stamp_txn` of its own, idempotent on (till, receipt). Each has exactly one ledger entry.
///
/// Vouchers: a `voucher` row counts its uses; a use is one guarded update (`used < uses_allowed`)
/// and one `voucher_use` row in the same write transaction, and writes are serialised, so two
/// tills scanning the last use at once get one success and one `voucher-spent`.
extension LedgerDatabase {
    /// Writes a stamp transaction and its one entry (`stamps` is the signed change).
    static func postStamps(
        _ db: Database, merchant: Merchant, kind: String, till: String, receipt: String, card: String,
        accountID: Int64, tillTxnID: Int64?, intended: Int64, stamps: Int64, entryKind: String,
        answer: ((Int64) throws -> String)?, at: String, digest: Data
    ) throws {
        let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(id), 0) + 1 FROM stamp_txn")) ?? 1
        try db.execute(
            sql: """
                INSERT INTO stamp_txn (id, merchant_id, till, receipt, kind, account_id, card_number, till_txn_id, stamps,
                                       answer, request_digest, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                id, merchant.id, till, receipt, kind, accountID, card, tillTxnID, intended, try answer?(id), digest, at,
            ])
        try appendEntry(
            db,
            Entry(
                merchantID: merchant.id, accountID: accountID, card: card, kind: entryKind, points: 0, minor: 0,
                stamps: stamps, stampTxnID: id, till: till, receipt: receipt, at: at))
    }

    /// The stamps a return takes back: under the original sale's rules, from its lines.
    static func stampsBack(
        _ db: Database, rules: EarningRules, originalID: Int64, originalLines: [SaleLine], returning: [SaleLine]
    ) throws -> Int64 {
        guard rules.stampRule != nil else { return 0 }
        let earned =
            try Int64.fetchOne(
                db, sql: "SELECT stamps FROM stamp_txn WHERE till_txn_id = ? AND kind = 'earn'",
                arguments: [originalID]) ?? 0
        guard earned > 0 else { return 0 }
        var earlier: [SaleLine] = []
        var taken: Int64 = 0
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT t.lines, s.stamps FROM till_txn t LEFT JOIN stamp_txn s ON s.till_txn_id = t.id
                WHERE t.original_txn_id = ?
                """, arguments: [originalID])
        {
            earlier += try JSONDecoder().decode([SaleLine].self, from: Data((row["lines"] as String).utf8))
            taken -= (row["stamps"] as Int64?) ?? 0
        }
        return rules.stampsBack(
            original: originalLines, originalStamps: earned, earlierReturns: earlier, alreadyTaken: taken,
            returning: returning)
    }

    /// The stamp card as a till is shown it; nil when the program has none.
    static func stampCard(_ rules: EarningRules, stamps: Int64) -> StampCardView? {
        guard let rule = rules.stampRule else { return nil }
        return StampCardView(
            stamps: stamps, needed: rule.reward.stamps, rewards: stamps / max(1, rule.reward.stamps),
            reward: rule.reward)
    }

    /// Spends a full card's stamps on the program's reward; idempotent on (till, receipt).
    public func stampsRedeem(_ request: CoreOp.StampsRedeem.Parameters) async throws -> StampAnswer {
        let request = try request.checked(needsLines: false)
        let number = try CardNumber(request.card)
        let saleTime = try request.time()
        return try await write { db in
            let merchant = try Self.merchant(db, code: request.merchant)
            let digest = LedgerRules.stampsRedeemDigest(card: number, at: saleTime)
            if let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT answer, request_digest FROM stamp_txn
                    WHERE merchant_id = ? AND till = ? AND receipt = ? AND kind = 'redeem'
                    """, arguments: [merchant.id, request.till, request.receipt])
            {
                return try LedgerRules.stampReplay(
                    answer: row["answer"], storedDigest: row["request_digest"], digest: digest, till: request.till,
                    receipt: request.receipt)
            }
            let (_, rules) = try self.currentProgram(db, merchant: merchant)
            let rule = try LedgerRules.stampRule(rules, merchant: merchant)
            let at = saleTime ?? Date()
            if let reason = rules.closedReason(at: at) {
                throw RuleViolation(.programClosed, "The card cannot be used now: \(reason).")
            }
            // Stamps are a loyalty balance too: frozen after the program's end.
            try LedgerRules.refuseSpending(
                after: try Self.programEnd(db, merchant: merchant), at: at, now: Date(), merchant: merchant)
            let card = try Self.requireCard(db, merchant: merchant, number: number)
            try Self.requireActive(card, at: at)
            let account = try Self.account(db, id: card.accountID)
            let needed = try LedgerRules.stampsNeeded(rule, stamps: account.stamps, card: number)
            let atText = Timestamp.format(at)
            let card_ = card.number
            let balance = account.stamps - needed
            try Self.postStamps(
                db, merchant: merchant, kind: "redeem", till: request.till, receipt: request.receipt, card: card_,
                accountID: account.id, tillTxnID: nil, intended: -needed, stamps: -needed, entryKind: "stamp-redeem",
                answer: { id in
                    String(
                        decoding: try Self.answerEncoder.encode(
                            StampAnswer(
                                txn: id, kind: "redeem", card: card_, stamps: -needed, balance: balance,
                                reward: rule.reward, at: atText, replayed: false)), as: UTF8.self)
                }, at: atText, digest: digest)
            let stored = try String.fetchOne(
                db,
                sql:
                    "SELECT answer FROM stamp_txn WHERE merchant_id = ? AND till = ? AND receipt = ? AND kind = 'redeem'",
                arguments: [merchant.id, request.till, request.receipt])
            return try JSONDecoder().decode(StampAnswer.self, from: Data((stored ?? "").utf8))
        }
    }

    /// The cardholder discounts of a basket for the card, under the program and membership of
    /// the sale's time. Writes nothing.
    public func quote(_ request: CoreOp.TxnQuote.Parameters) async throws -> QuoteAnswer {
        let (number, saleTime) = try LedgerRules.quoteInput(request)
        return try await read { db in
            let merchant = try Self.merchant(db, code: request.merchant)
            let lines = try request.lines.map { line throws(LoyaltyError) in
                try line.saleLine(currency: merchant.currency)
            }
            let (_, rules) = try self.currentProgram(db, merchant: merchant)
            let at = saleTime ?? Date()
            var member = false
            if let card = try Self.card(db, merchant: merchant, number: number) {
                try Self.requireActive(card, at: at)
                member = try Self.member(db, account: try Self.account(db, id: card.accountID), at: at)
            } else if !rules.mayEnrol(number, cardPrefix: merchant.cardPrefix) {
                throw RuleViolation(.unknownCard, "Card \(number) is not a card of \(merchant.name).")
            }
            try LedgerRules.checkQuoteOpen(rules, at: at)
            return try LedgerRules.quoteAnswer(
                card: number, lines: lines, rules: rules, member: member, merchant: merchant)
        }
    }

    static func quoteLine(_ line: CardholderDiscount) -> QuoteLine {
        QuoteLine(
            sku: line.sku, price: line.price.decimalString, discount: line.discount.decimalString,
            rate: line.rate.description, basis: line.basis)
    }

    /// An earn's `applied` checked against what the program gives the card for those lines:
    /// each names a line of the sale, and none takes off more than its quote would. Returned
    /// in canonical form (parsed amounts) for storing.
    static func checkedApplied(
        _ applied: [QuoteLine]?, lines: [SaleLine], rules: EarningRules, member: Bool, currency: Currency
    ) throws -> [QuoteLine]? {
        guard let applied, !applied.isEmpty else { return nil }
        guard applied.count <= lines.count else {
            throw LoyaltyError(.badRequest, "\"applied\" has more lines than the sale.")
        }
        return try applied.map { line in
            guard lines.contains(where: { $0.sku == line.sku }) else {
                throw LoyaltyError(.badRequest, "\"applied\": \(line.sku.prefix(64)) is not a line of this sale.")
            }
            guard let price = try? Money(parsing: line.price, currency: currency),
                let discount = try? Money(parsing: line.discount, currency: currency), price.minorUnits >= 0,
                price.minorUnits <= Limits.lineMinorUnits, discount.minorUnits >= 0
            else {
                throw LoyaltyError(
                    .badRequest, "\"applied\": the price and discount of \(line.sku.prefix(64)) must be amounts.")
            }
            let original = lines.first { $0.sku == line.sku }
            var shelf = original ?? SaleLine(sku: line.sku, amount: price)
            shelf.amount = price
            let allowed = rules.cardholderDiscounts(for: [shelf], member: member).first
            guard let allowed, discount.minorUnits <= allowed.discount.minorUnits else {
                throw LoyaltyError(
                    .badRequest,
                    "\"applied\": \(line.sku.prefix(64)) gets at most \((allowed?.discount ?? .zero(currency)).decimalString) \(currency.code) cardholder discount on \(price.decimalString), not \(discount.decimalString); quote again (txn.quote)."
                )
            }
            return QuoteLine(
                sku: line.sku, price: price.decimalString, discount: discount.decimalString,
                rate: allowed.rate.description, basis: allowed.basis)
        }
    }
}

// MARK: - Vouchers

extension LedgerDatabase {
    /// Issues a voucher with a fresh code; idempotent on (till, receipt).
    public func voucherIssue(_ request: CoreOp.VoucherIssue.Parameters) async throws -> VoucherAnswer {
        let request = try request.checked(needsLines: false)
        let number = try request.card.map { text throws(RuleViolation) in try CardNumber(text) }
        let issueTime = try request.time()
        return try await write { db in
            let merchant = try Self.merchant(db, code: request.merchant)
            let currency = merchant.currency
            let terms = try LedgerRules.voucherTerms(request, merchant: merchant)
            let digest = LedgerRules.voucherIssueDigest(card: number, at: issueTime, terms: terms)
            if let row = try Row.fetchOne(
                db,
                sql: "SELECT answer, request_digest FROM voucher WHERE merchant_id = ? AND till = ? AND receipt = ?",
                arguments: [merchant.id, request.till, request.receipt])
            {
                return try LedgerRules.voucherIssueReplay(
                    answer: row["answer"], storedDigest: row["request_digest"], digest: digest, till: request.till,
                    receipt: request.receipt)
            }
            let at = issueTime ?? Date()
            var card: CardRow?
            if let number {
                let (_, rules) = try self.currentProgram(db, merchant: merchant)
                let found =
                    try Self.card(db, merchant: merchant, number: number)
                    ?? Self.enrol(db, merchant: merchant, number: number, rules: rules)
                try Self.requireActive(found, at: at)
                card = found
            }
            var code = ""
            for _ in 0..<20 {
                let candidate = LedgerRules.newVoucherCode()
                if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM voucher WHERE code = ?", arguments: [candidate]) == 0
                {
                    code = candidate
                    break
                }
            }
            guard !code.isEmpty else { throw LoyaltyError(.internalError, "No free voucher code was found.") }
            let atText = Timestamp.format(at)
            let view = Self.voucherView(
                code: code, terms: terms, used: 0, card: card?.number,
                today: Timestamp.localDate(at, timeZone: merchant.timeZone),
                currency: currency)
            let answer = VoucherAnswer(kind: "issue", voucher: view, discount: nil, at: atText, replayed: false)
            try db.execute(
                sql: """
                    INSERT INTO voucher (merchant_id, code, terms, uses_allowed, used, account_id, card_number, till, receipt,
                                         answer, request_digest, at)
                    VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    merchant.id, code, String(decoding: try Self.answerEncoder.encode(terms), as: UTF8.self),
                    terms.uses, card?.accountID, card?.number, request.till, request.receipt,
                    String(decoding: try Self.answerEncoder.encode(answer), as: UTF8.self), digest, atText,
                ])
            return answer
        }
    }

    /// Uses a voucher once; idempotent on (till, receipt, code).
    public func voucherRedeem(_ request: CoreOp.VoucherRedeem.Parameters) async throws -> VoucherAnswer {
        let request = try request.checked(needsLines: false)
        let code = try VoucherCode.parse(request.code)
        let saleTime = try request.time()
        return try await write { db in
            let merchant = try Self.merchant(db, code: request.merchant)
            let purchase = try LedgerRules.voucherPurchase(request.purchaseTotal, merchant: merchant)
            let voucher = try Self.requireVoucher(db, merchant: merchant, code: code)
            let digest = LedgerRules.voucherRedeemDigest(at: saleTime, purchase: purchase, code: code)
            if let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT answer, request_digest FROM voucher_use
                    WHERE merchant_id = ? AND till = ? AND receipt = ? AND voucher_id = ?
                    """, arguments: [merchant.id, request.till, request.receipt, voucher.id])
            {
                return try LedgerRules.voucherRedeemReplay(
                    answer: row["answer"], storedDigest: row["request_digest"], digest: digest, code: code,
                    till: request.till, receipt: request.receipt)
            }
            let at = saleTime ?? Date()
            let (_, rules) = try self.currentProgram(db, merchant: merchant)
            if let reason = rules.closedReason(at: at) {
                throw RuleViolation(.programClosed, "Vouchers cannot be used now: \(reason).")
            }
            let today = Timestamp.localDate(at, timeZone: merchant.timeZone)
            let off = try voucher.terms.redeem(
                code: code, purchase: purchase, used: voucher.used, today: today, currency: merchant.currency)
            // The guard is in the update itself: whatever was read above, a use past the last
            // changes no row, and the CHECK on `used` refuses it besides.
            try db.execute(
                sql: "UPDATE voucher SET used = used + 1 WHERE id = ? AND used < uses_allowed", arguments: [voucher.id])
            guard db.changesCount == 1 else {
                throw RuleViolation(.voucherSpent, "Voucher \(code) has already been used.")
            }
            let atText = Timestamp.format(at)
            let answer = VoucherAnswer(
                kind: "redeem",
                voucher: Self.voucherView(
                    code: code, terms: voucher.terms, used: voucher.used + 1, card: voucher.card, today: today,
                    currency: merchant.currency),
                discount: Money(minorUnits: off, currency: merchant.currency).decimalString, at: atText, replayed: false
            )
            try db.execute(
                sql: """
                    INSERT INTO voucher_use (merchant_id, voucher_id, till, receipt, amount_minor, answer, request_digest, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    merchant.id, voucher.id, request.till, request.receipt, off,
                    String(decoding: try Self.answerEncoder.encode(answer), as: UTF8.self), digest, atText,
                ])
            return answer
        }
    }

    /// A voucher's terms and state now.
    public func voucherLookup(merchant merchantCode: String?, code text: String) async throws -> VoucherView {
        let code = try VoucherCode.parse(text)
        return try await read { db in
            let merchant = try Self.merchant(db, code: merchantCode)
            let voucher = try Self.requireVoucher(db, merchant: merchant, code: code)
            return Self.voucherView(
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

    /// The merchant's voucher, or `unknown-voucher` in words the cashier can read out (another
    /// shop's voucher says so).
    static func requireVoucher(_ db: Database, merchant: Merchant, code: String) throws -> VoucherRow {
        let row = try Row.fetchOne(
            db, sql: "SELECT id, merchant_id, terms, used, card_number FROM voucher WHERE code = ?", arguments: [code])
        try checkVoucherMerchant(row?["merchant_id"], merchant: merchant, code: code)
        return VoucherRow(
            id: row!["id"],
            terms: try JSONDecoder().decode(VoucherTerms.self, from: Data((row!["terms"] as String).utf8)),
            used: row!["used"], card: row!["card_number"])
    }

    /// `unknown-voucher` for a code no merchant issued (`merchantID` nil) or another's.
    static func checkVoucherMerchant(_ merchantID: Int64?, merchant: Merchant, code: String) throws(RuleViolation) {
        guard let merchantID else {
            throw RuleViolation(
                .unknownVoucher, "Voucher \(code) was not issued here: it is not a voucher of \(merchant.name).")
        }
        guard merchantID == merchant.id else {
            throw RuleViolation(
                .unknownVoucher, "Voucher \(code) is another shop's voucher: it cannot be used at \(merchant.name).")
        }
    }

    static func voucherView(
        code: String, terms: VoucherTerms, used: Int64, card: String?, today: String, currency: Currency
    ) -> VoucherView {
        let money = { (minor: Int64) in Money(minorUnits: minor, currency: currency).decimalString }
        let state =
            used >= terms.uses
            ? "spent"
            : terms.validUntil.map { today > $0 } == true
                ? "expired" : terms.validFrom.map { today < $0 } == true ? "not-yet-valid" : "valid"
        return VoucherView(
            code: code, kind: terms.kind, state: state, currency: currency.code, amount: terms.valueMinor.map(money),
            percent: terms.rate?.description, sku: terms.sku, name: terms.name, uses: terms.uses, used: used,
            validFrom: terms.validFrom, validUntil: terms.validUntil, minimumPurchase: terms.minimumMinor.map(money),
            card: card)
    }

    /// The account's vouchers that can still be used, for `card.lookup` and the receipt.
    static func openVouchers(_ db: Database, merchant: Merchant, accountID: Int64) throws -> [VoucherView] {
        let today = Timestamp.localDate(Date(), timeZone: merchant.timeZone)
        // Cached: this runs for every card.lookup.
        return try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT code, terms, used, card_number FROM voucher
                    WHERE account_id = ? AND used < uses_allowed ORDER BY id LIMIT 20
                    """), arguments: [accountID]
        ).compactMap { row in
            guard let terms = try? JSONDecoder().decode(VoucherTerms.self, from: Data((row["terms"] as String).utf8))
            else { return nil }
            let view = voucherView(
                code: row["code"], terms: terms, used: row["used"], card: row["card_number"], today: today,
                currency: merchant.currency)
            return view.state == "expired" ? nil : view
        }
    }
}
