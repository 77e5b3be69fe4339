import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain

/// Prepaid (stored value): loads, payments and their reversals, each a `prepaid_txn` with one
/// ledger entry of a prepaid kind that moves the account's prepaid balance and nothing else.
/// The check and the write are one SQLite write transaction, run one at a time, so no number
/// of tills paying at once takes a balance below zero (the schema's CHECK refuses it besides).
extension LedgerDatabase {
    /// Loads money the till took in `tender`; idempotent on (till, receipt).
    public func prepaidLoad(_ request: CoreOp.PrepaidLoad.Parameters) async throws -> PrepaidAnswer {
        let request = try request.checked(needsLines: false)
        let number = try CardNumber(request.card)
        let saleTime = try request.time()
        return try await write { db in
            let merchant = try Self.merchant(db, code: request.merchant)
            let amount = try Self.prepaidAmount(request.amount, merchant: merchant)
            let digest = CanonicalRequest(
                kind: "prepaid-load", card: number.digits, at: saleTime.map(Timestamp.format), amount: String(amount),
                tender: request.tender
            ).digest
            if let answer = try Self.prepaidReplay(
                db, merchant: merchant, till: request.till, receipt: request.receipt, kind: "load", digest: digest)
            {
                return answer
            }
            let (_, rules) = try self.currentProgram(db, merchant: merchant)
            guard let maximum = rules.prepaidMaximum else {
                throw LoyaltyError(
                    .badRequest, "\(merchant.name) sells no prepaid cards (no \"prepaid\" in its program).")
            }
            let at = saleTime ?? Date()
            let card =
                try Self.card(db, merchant: merchant, number: number)
                ?? Self.enrol(db, merchant: merchant, number: number, rules: rules)
            try Self.requireActive(card, at: at)
            let account = try Self.account(db, id: card.accountID)
            guard let after = Limits.moved(account.prepaidMinor, by: amount), after <= maximum.minorUnits else {
                let room = max(0, maximum.minorUnits - account.prepaidMinor)
                let money = { (minor: Int64) in Money(minorUnits: minor, currency: merchant.currency).decimalString }
                throw RuleViolation(
                    .aboveMaximumBalance,
                    "Card \(number) may hold at most \(maximum.decimalString) \(merchant.currency.code) of prepaid money and holds \(money(account.prepaidMinor)): at most \(money(room)) can be loaded."
                )
            }
            return try Self.postPrepaid(
                db, merchant: merchant,
                PrepaidPosting(
                    kind: "load", entryKind: "prepaid-load", till: request.till, receipt: request.receipt,
                    card: card.number, account: account, change: amount, tender: request.tender, original: nil,
                    at: at, digest: digest))
        }
    }

    /// Pays part of a sale from the prepaid balance, never more than it holds; idempotent on
    /// (till, receipt).
    public func prepaidPay(_ request: CoreOp.PrepaidPay.Parameters) async throws -> PrepaidAnswer {
        let request = try request.checked(needsLines: false)
        let number = try CardNumber(request.card)
        let saleTime = try request.time()
        return try await write { db in
            let merchant = try Self.merchant(db, code: request.merchant)
            let amount = try Self.prepaidAmount(request.amount, merchant: merchant)
            let digest = CanonicalRequest(
                kind: "prepaid-pay", card: number.digits, at: saleTime.map(Timestamp.format), amount: String(amount),
                partial: request.partial ?? false
            ).digest
            if let answer = try Self.prepaidReplay(
                db, merchant: merchant, till: request.till, receipt: request.receipt, kind: "pay", digest: digest)
            {
                return answer
            }
            let (_, rules) = try self.currentProgram(db, merchant: merchant)
            let at = saleTime ?? Date()
            // Closed hours close the card (Belgian regulation, article 15), prepaid included.
            if let reason = rules.closedReason(at: at) {
                throw RuleViolation(.programClosed, "The card cannot pay now: \(reason).")
            }
            let card = try Self.requireCard(db, merchant: merchant, number: number)
            try Self.requireActive(card, at: at)
            let account = try Self.account(db, id: card.accountID)
            let money = { (minor: Int64) in Money(minorUnits: minor, currency: merchant.currency).decimalString }
            let paid = request.partial == true ? min(amount, account.prepaidMinor) : amount
            guard paid > 0, paid <= account.prepaidMinor else {
                throw RuleViolation(
                    .insufficientBalance,
                    account.prepaidMinor == 0
                        ? "Card \(number) holds no prepaid money."
                        : "Card \(number) holds \(money(account.prepaidMinor)) \(merchant.currency.code) of prepaid money, less than \(money(amount)); pay the rest another way."
                )
            }
            return try Self.postPrepaid(
                db, merchant: merchant,
                PrepaidPosting(
                    kind: "pay", entryKind: "prepaid-pay", till: request.till, receipt: request.receipt,
                    card: card.number, account: account, change: -paid, tender: nil, original: nil, at: at,
                    digest: digest))
        }
    }

    /// Undoes the load or payment the till recorded under `receipt`, on the same local day of
    /// the merchant; once. A repeat of the same reversal replays its answer.
    public func prepaidReverse(_ request: CoreOp.PrepaidReverse.Parameters) async throws -> PrepaidAnswer {
        let request = try request.checked(needsLines: false)
        let reverseTime = try request.time()
        return try await write { db in
            let merchant = try Self.merchant(db, code: request.merchant)
            guard
                let original = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT id, kind, account_id, card_number, amount_minor, at FROM prepaid_txn
                        WHERE merchant_id = ? AND till = ? AND receipt = ? AND kind != 'reverse'
                        """, arguments: [merchant.id, request.till, request.receipt])
            else {
                throw LoyaltyError(
                    .unknownReceipt,
                    "Till \(request.till) recorded no prepaid load or payment under receipt \(request.receipt); only the till that made it can reverse it."
                )
            }
            let digest = CanonicalRequest(
                kind: "prepaid-reverse", at: reverseTime.map(Timestamp.format), originalTill: request.till,
                originalReceipt: request.receipt
            ).digest
            if let done = try Row.fetchOne(
                db, sql: "SELECT answer, request_digest, at FROM prepaid_txn WHERE original_id = ?",
                arguments: [original["id"] as Int64])
            {
                guard done["request_digest"] as Data == digest else {
                    throw RuleViolation(
                        .reversalNotAllowed,
                        "Receipt \(request.receipt) of till \(request.till) was already reversed at \(done["at"] as String)."
                    )
                }
                var answer = try JSONDecoder().decode(PrepaidAnswer.self, from: Data((done["answer"] as String).utf8))
                answer.replayed = true
                return answer
            }
            let at = reverseTime ?? Date()
            let originalAt = Timestamp.parse(original["at"]) ?? .distantPast
            let originalDay = Timestamp.localDate(originalAt, timeZone: merchant.timeZone)
            guard at >= originalAt, Timestamp.localDate(at, timeZone: merchant.timeZone) == originalDay else {
                throw RuleViolation(
                    .reversalNotAllowed,
                    "Receipt \(request.receipt) of till \(request.till) was recorded on \(originalDay): a till may reverse it on that day only; refund it another way."
                )
            }
            let kind: String = original["kind"]
            let change = -(original["amount_minor"] as Int64)
            let account = try Self.account(db, id: original["account_id"])
            let money = { (minor: Int64) in Money(minorUnits: minor, currency: merchant.currency).decimalString }
            guard account.prepaidMinor + change >= 0 else {
                throw RuleViolation(
                    .insufficientBalance,
                    "The card holds \(money(account.prepaidMinor)) \(merchant.currency.code) of the \(money(-change)) loaded: the rest was already spent, so the load cannot be reversed."
                )
            }
            // The maximum is what a card may ever hold (an e-money limit): a payment given back
            // after a later load could pass it, so the till refunds that payment another way.
            if change > 0, let maximum = try self.currentProgram(db, merchant: merchant).1.prepaidMaximum?.minorUnits,
                account.prepaidMinor + change > maximum
            {
                throw RuleViolation(
                    .aboveMaximumBalance,
                    "Giving back the \(money(change)) paid would put \(money(account.prepaidMinor + change)) \(merchant.currency.code) on the card, more than the \(money(maximum)) it may hold: refund the payment in cash instead."
                )
            }
            return try Self.postPrepaid(
                db, merchant: merchant,
                PrepaidPosting(
                    kind: "reverse", entryKind: kind == "load" ? "prepaid-load-reversal" : "prepaid-pay-reversal",
                    till: request.till, receipt: request.receipt, card: original["card_number"], account: account,
                    change: change, tender: nil,
                    original: (original["id"], PrepaidAnswer.Reversed(kind: kind, amount: money(-change))), at: at,
                    digest: digest))
        }
    }

    /// The merchant's outstanding prepaid money: every account's prepaid balance summed, with
    /// what was loaded and paid in total (reversals deducted).
    public func prepaidLiability(merchant code: String?) async throws -> PrepaidLiabilityAnswer {
        try await read { db in
            let merchant = try Self.merchant(db, code: code)
            var outstanding: Int64 = 0
            var accounts = 0
            let balances = try Int64.fetchCursor(
                db, sql: "SELECT prepaid_minor FROM account WHERE merchant_id = ? AND prepaid_minor != 0",
                arguments: [merchant.id])
            while let balance = try balances.next() {
                outstanding = try Self.checkedSum(outstanding, balance)
                accounts += 1
            }
            var loaded: Int64 = 0
            var paid: Int64 = 0
            let entries = try Row.fetchCursor(
                db,
                sql: """
                    SELECT kind, prepaid_minor FROM ledger_entry
                    WHERE merchant_id = ? AND prepaid_txn_id IS NOT NULL
                    """, arguments: [merchant.id])
            while let entry = try entries.next() {
                let minor: Int64 = entry["prepaid_minor"]
                switch entry["kind"] as String {
                case "prepaid-load", "prepaid-load-reversal": loaded = try Self.checkedSum(loaded, minor)
                default: paid = try Self.checkedSum(paid, -minor)
                }
            }
            let money = { (minor: Int64) in Money(minorUnits: minor, currency: merchant.currency).decimalString }
            return PrepaidLiabilityAnswer(
                merchant: merchant.code, currency: merchant.currency.code, outstanding: money(outstanding),
                accounts: accounts, loaded: money(loaded), paid: money(paid))
        }
    }

    static func checkedSum(_ total: Int64, _ value: Int64) throws -> Int64 {
        let (sum, overflow) = total.addingReportingOverflow(value)
        guard !overflow else {
            throw RuleViolation(.outOfRange, "The prepaid total is too large to be added up exactly.")
        }
        return sum
    }

    /// A prepaid amount in minor units: a decimal string of the merchant's currency, more than
    /// zero and no more than a balance may hold.
    static func prepaidAmount(_ text: String, merchant: Merchant) throws -> Int64 {
        guard let money = try? Money(parsing: text, currency: merchant.currency), money.minorUnits > 0,
            money.minorUnits <= Limits.balance
        else {
            throw LoyaltyError(
                .badRequest,
                "\"amount\": \"\(text.prefix(32))\" must be an amount of more than zero in \(merchant.currency.code), like \"20.00\"."
            )
        }
        return money.minorUnits
    }

    /// The first answer to this prepaid (till, receipt), marked as replayed; `receipt-reused`
    /// for another kind or another request on it.
    static func prepaidReplay(
        _ db: Database, merchant: Merchant, till: String, receipt: String, kind: String, digest: Data
    ) throws -> PrepaidAnswer? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT kind, answer, request_digest FROM prepaid_txn
                    WHERE merchant_id = ? AND till = ? AND receipt = ? AND kind != 'reverse'
                    """, arguments: [merchant.id, till, receipt])
        else { return nil }
        guard row["kind"] as String == kind, row["request_digest"] as Data == digest else {
            throw LoyaltyError(
                .receiptReused,
                "Receipt \(receipt) of till \(till) was already used for another prepaid \(row["kind"] as String) (another card or amount); give this one its own receipt number."
            )
        }
        var answer = try JSONDecoder().decode(PrepaidAnswer.self, from: Data((row["answer"] as String).utf8))
        answer.replayed = true
        return answer
    }

    struct PrepaidPosting {
        /// `load`, `pay` or `reverse`.
        var kind: String
        /// The ledger entry's kind (`prepaidEntrySigns`).
        var entryKind: String
        var till: String
        var receipt: String
        var card: String
        var account: AccountRow
        /// The signed change to the prepaid balance.
        var change: Int64
        var tender: String?
        /// For a reversal: the transaction it undoes, and what it was.
        var original: (id: Int64, reversed: PrepaidAnswer.Reversed)?
        var at: Date
        var digest: Data
    }

    /// Writes the prepaid transaction and its one ledger entry, and returns the answer stored
    /// for replays.
    static func postPrepaid(_ db: Database, merchant: Merchant, _ posting: PrepaidPosting) throws -> PrepaidAnswer {
        let at = Timestamp.format(posting.at)
        let txnID =
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT COALESCE(MAX(id), 0) + 1 FROM prepaid_txn")) ?? 1
        let after = try Self.moved(
            posting.account, points: 0, minor: 0, prepaid: posting.change, kind: posting.entryKind)
        let money = { (minor: Int64) in Money(minorUnits: minor, currency: merchant.currency).decimalString }
        let answer = PrepaidAnswer(
            txn: txnID, kind: posting.kind, card: posting.card, amount: money(posting.change),
            prepaid: money(after.prepaidMinor), currency: merchant.currency.code, tender: posting.tender,
            reversed: posting.original?.reversed, at: at, replayed: false)
        try db.execute(
            sql: """
                INSERT INTO prepaid_txn (id, merchant_id, till, receipt, kind, account_id, card_number, amount_minor, tender,
                                         original_id, answer, request_digest, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                txnID, merchant.id, posting.till, posting.receipt, posting.kind, posting.account.id, posting.card,
                posting.change, posting.tender, posting.original?.id,
                String(decoding: try answerEncoder.encode(answer), as: UTF8.self), posting.digest, at,
            ])
        try appendEntry(
            db,
            Entry(
                merchantID: merchant.id, accountID: posting.account.id, card: posting.card, kind: posting.entryKind,
                points: 0, minor: 0, prepaid: posting.change, till: posting.till, receipt: posting.receipt,
                prepaidTxnID: txnID, at: at))
        return answer
    }
}
