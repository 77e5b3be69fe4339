import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PostgresNIO

// Prepaid (stored value), as the SQLite store's LedgerDatabase+Prepaid: each load, payment or
// reversal a `prepaid_txn` with one entry; the account row locked first, so payments on
// several cores from one card take turns and never pass its balance.
extension PostgresLedger {
    public func prepaidLoad(_ request: CoreOp.PrepaidLoad.Parameters) async throws -> PrepaidAnswer {
        let request = try request.checked(needsLines: false)
        let number = try CardNumber(request.card)
        let saleTime = try request.time()
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: request.merchant)
            let amount = try LedgerRules.prepaidAmount(request.amount, merchant: merchant)
            let digest = LedgerRules.prepaidDigest(
                kind: "prepaid-load", card: number, at: saleTime, amount: amount, tender: request.tender)
            if let answer = try await self.prepaidReplay(
                connection, merchant: merchant, till: request.till, receipt: request.receipt, kind: "load",
                digest: digest)
            {
                return answer
            }
            let (_, rules) = try await self.currentProgram(connection, merchant: merchant)
            guard let maximum = rules.prepaidMaximum else {
                throw LoyaltyError(
                    .badRequest, "\(merchant.name) sells no prepaid cards (no \"prepaid\" in its program).")
            }
            let at = saleTime ?? Date()
            var card = try await self.card(connection, merchant: merchant, number: number)
            if card == nil { card = try await self.enrol(connection, merchant: merchant, number: number, rules: rules) }
            guard let card else { throw LoyaltyError(.internalError, "Card \(number) could not be enrolled.") }
            try card.status.requireUsable(card: card.number, activeFrom: card.activeFrom, at: at)
            let account = try await self.account(connection, id: card.accountID, lock: true)
            guard let after = Limits.moved(account.prepaidMinor, by: amount), after <= maximum.minorUnits else {
                let room = max(0, maximum.minorUnits - account.prepaidMinor)
                let money = { (minor: Int64) in Money(minorUnits: minor, currency: merchant.currency).decimalString }
                throw RuleViolation(
                    .aboveMaximumBalance,
                    "Card \(number) may hold at most \(maximum.decimalString) \(merchant.currency.code) of prepaid money and holds \(money(account.prepaidMinor)): at most \(money(room)) can be loaded."
                )
            }
            return try await self.postPrepaid(
                connection, merchant: merchant,
                PrepaidPosting(
                    kind: "load", entryKind: "prepaid-load", till: request.till, receipt: request.receipt,
                    card: card.number, account: account, change: amount, tender: request.tender, originalID: nil,
                    reversed: nil, at: at, digest: digest))
        }
    }

    public func prepaidPay(_ request: CoreOp.PrepaidPay.Parameters) async throws -> PrepaidAnswer {
        let request = try request.checked(needsLines: false)
        let number = try CardNumber(request.card)
        let saleTime = try request.time()
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: request.merchant)
            let amount = try LedgerRules.prepaidAmount(request.amount, merchant: merchant)
            let digest = LedgerRules.prepaidDigest(
                kind: "prepaid-pay", card: number, at: saleTime, amount: amount, partial: request.partial ?? false)
            if let answer = try await self.prepaidReplay(
                connection, merchant: merchant, till: request.till, receipt: request.receipt, kind: "pay",
                digest: digest)
            {
                return answer
            }
            let (_, rules) = try await self.currentProgram(connection, merchant: merchant)
            let at = saleTime ?? Date()
            if let reason = rules.closedReason(at: at) {
                throw RuleViolation(.programClosed, "The card cannot pay now: \(reason).")
            }
            let card = try await self.requireCard(connection, merchant: merchant, number: number)
            try card.status.requireUsable(card: card.number, activeFrom: card.activeFrom, at: at)
            let account = try await self.account(connection, id: card.accountID, lock: true)
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
            return try await self.postPrepaid(
                connection, merchant: merchant,
                PrepaidPosting(
                    kind: "pay", entryKind: "prepaid-pay", till: request.till, receipt: request.receipt,
                    card: card.number, account: account, change: -paid, tender: nil, originalID: nil, reversed: nil,
                    at: at, digest: digest))
        }
    }

    public func prepaidReverse(_ request: CoreOp.PrepaidReverse.Parameters) async throws -> PrepaidAnswer {
        let request = try request.checked(needsLines: false)
        let reverseTime = try request.time()
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: request.merchant)
            guard
                let original = try await connection.row(
                    """
                    SELECT id, kind, account_id, card_number, amount_minor, at FROM prepaid_txn
                    WHERE merchant_id = \(merchant.id) AND till = \(request.till) AND receipt = \(request.receipt)
                    AND kind != 'reverse'
                    """, logger: self.logger)
            else {
                throw LoyaltyError(
                    .unknownReceipt,
                    "Till \(request.till) recorded no prepaid load or payment under receipt \(request.receipt); only the till that made it can reverse it."
                )
            }
            let originalID = try original.int("id")
            // The account first, locked: two reversals of one receipt take turns, and the
            // second finds the first.
            let account = try await self.account(connection, id: try original.int("account_id"), lock: true)
            let digest = LedgerRules.prepaidDigest(
                kind: "prepaid-reverse", at: reverseTime, originalTill: request.till, originalReceipt: request.receipt)
            if let done = try await connection.row(
                "SELECT answer, request_digest, at FROM prepaid_txn WHERE original_id = \(originalID)",
                logger: self.logger)
            {
                guard try done.bytes("request_digest") == digest else {
                    throw RuleViolation(
                        .reversalNotAllowed,
                        "Receipt \(request.receipt) of till \(request.till) was already reversed at \(try done.text("at"))."
                    )
                }
                var answer = try JSONDecoder().decode(PrepaidAnswer.self, from: Data(try done.text("answer").utf8))
                answer.replayed = true
                return answer
            }
            let at = reverseTime ?? Date()
            let originalAt = Timestamp.parse(try original.text("at")) ?? .distantPast
            let originalDay = Timestamp.localDate(originalAt, timeZone: merchant.timeZone)
            guard at >= originalAt, Timestamp.localDate(at, timeZone: merchant.timeZone) == originalDay else {
                throw RuleViolation(
                    .reversalNotAllowed,
                    "Receipt \(request.receipt) of till \(request.till) was recorded on \(originalDay): a till may reverse it on that day only; refund it another way."
                )
            }
            let kind = try original.text("kind")
            let change = -(try original.int("amount_minor"))
            let money = { (minor: Int64) in Money(minorUnits: minor, currency: merchant.currency).decimalString }
            guard account.prepaidMinor + change >= 0 else {
                throw RuleViolation(
                    .insufficientBalance,
                    "The card holds \(money(account.prepaidMinor)) \(merchant.currency.code) of the \(money(-change)) loaded: the rest was already spent, so the load cannot be reversed."
                )
            }
            if change > 0,
                let maximum = try await self.currentProgram(connection, merchant: merchant).rules.prepaidMaximum?
                    .minorUnits,
                account.prepaidMinor + change > maximum
            {
                throw RuleViolation(
                    .aboveMaximumBalance,
                    "Giving back the \(money(change)) paid would put \(money(account.prepaidMinor + change)) \(merchant.currency.code) on the card, more than the \(money(maximum)) it may hold: refund the payment in cash instead."
                )
            }
            return try await self.postPrepaid(
                connection, merchant: merchant,
                PrepaidPosting(
                    kind: "reverse", entryKind: kind == "load" ? "prepaid-load-reversal" : "prepaid-pay-reversal",
                    till: request.till, receipt: request.receipt, card: try original.text("card_number"),
                    account: account, change: change, tender: nil, originalID: originalID,
                    reversed: PrepaidAnswer.Reversed(kind: kind, amount: money(-change)), at: at, digest: digest))
        }
    }

    public func prepaidLiability(merchant code: String?) async throws -> PrepaidLiabilityAnswer {
        try await read { connection in
            let merchant = try await self.merchant(connection, code: code)
            var outstanding: Int64 = 0
            var accounts = 0
            for row in try await connection.rows(
                "SELECT prepaid_minor FROM account WHERE merchant_id = \(merchant.id) AND prepaid_minor != 0",
                logger: self.logger)
            {
                outstanding = try LedgerRules.checkedSum(outstanding, try row.int("prepaid_minor"))
                accounts += 1
            }
            var loaded: Int64 = 0
            var paid: Int64 = 0
            for entry in try await connection.rows(
                """
                SELECT kind, prepaid_minor FROM ledger_entry WHERE merchant_id = \(merchant.id) AND prepaid_txn_id IS NOT NULL
                """, logger: self.logger)
            {
                let minor = try entry.int("prepaid_minor")
                switch try entry.text("kind") {
                case "prepaid-load", "prepaid-load-reversal": loaded = try LedgerRules.checkedSum(loaded, minor)
                default: paid = try LedgerRules.checkedSum(paid, -minor)
                }
            }
            let money = { (minor: Int64) in Money(minorUnits: minor, currency: merchant.currency).decimalString }
            return PrepaidLiabilityAnswer(
                merchant: merchant.code, currency: merchant.currency.code, outstanding: money(outstanding),
                accounts: accounts, loaded: money(loaded), paid: money(paid))
        }
    }

    func prepaidReplay(
        _ connection: PostgresConnection, merchant: Merchant, till: String, receipt: String, kind: String,
        digest: Data
    ) async throws -> PrepaidAnswer? {
        guard
            let row = try await connection.row(
                """
                SELECT kind, answer, request_digest FROM prepaid_txn
                WHERE merchant_id = \(merchant.id) AND till = \(till) AND receipt = \(receipt) AND kind != 'reverse'
                """, logger: logger)
        else { return nil }
        let storedKind = try row.text("kind")
        guard storedKind == kind, try row.bytes("request_digest") == digest else {
            throw LoyaltyError(
                .receiptReused,
                "Receipt \(receipt) of till \(till) was already used for another prepaid \(storedKind) (another card or amount); give this one its own receipt number."
            )
        }
        var answer = try JSONDecoder().decode(PrepaidAnswer.self, from: Data(try row.text("answer").utf8))
        answer.replayed = true
        return answer
    }

    struct PrepaidPosting: Sendable {
        var kind: String
        var entryKind: String
        var till: String
        var receipt: String
        var card: String
        var account: LedgerRules.Balances
        var change: Int64
        var tender: String?
        var originalID: Int64?
        var reversed: PrepaidAnswer.Reversed?
        var at: Date
        var digest: Data
    }

    /// The prepaid transaction, its one ledger entry and the new prepaid balance (the account
    /// row already locked by the caller).
    func postPrepaid(_ connection: PostgresConnection, merchant: Merchant, _ posting: PrepaidPosting) async throws
        -> PrepaidAnswer
    {
        let at = Timestamp.format(posting.at)
        let txnID = try await connection.row("SELECT nextval('prepaid_txn_id_seq') AS id", logger: logger)!.int("id")
        let after = try LedgerRules.moved(
            posting.account, points: 0, minor: 0, prepaid: posting.change, kind: posting.entryKind)
        let money = { (minor: Int64) in Money(minorUnits: minor, currency: merchant.currency).decimalString }
        let answer = PrepaidAnswer(
            txn: txnID, kind: posting.kind, card: posting.card, amount: money(posting.change),
            prepaid: money(after.prepaidMinor), currency: merchant.currency.code, tender: posting.tender,
            reversed: posting.reversed, at: at, replayed: false)
        try await connection.run(
            """
            INSERT INTO prepaid_txn (id, merchant_id, till, receipt, kind, account_id, card_number, amount_minor, tender,
                                     original_id, answer, request_digest, at)
            VALUES (\(txnID), \(merchant.id), \(posting.till), \(posting.receipt), \(posting.kind), \(posting.account.id),
                    \(posting.card), \(posting.change), \(posting.tender), \(posting.originalID),
                    \(try LedgerRules.encoded(answer)), \(posting.digest), \(at))
            """, logger: logger)
        try await connection.run(
            """
            INSERT INTO ledger_entry (merchant_id, account_id, card_number, till, receipt, kind, points, amount_minor,
                                      at, recorded_at, prepaid_minor, prepaid_txn_id)
            VALUES (\(merchant.id), \(posting.account.id), \(posting.card), \(posting.till), \(posting.receipt),
                    \(posting.entryKind), 0, 0, \(at), \(Timestamp.format(Date())), \(posting.change), \(txnID))
            """, logger: logger)
        try await connection.run(
            "UPDATE account SET prepaid_minor = prepaid_minor + \(posting.change) WHERE id = \(posting.account.id)",
            logger: logger)
        return answer
    }
}
