import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain

extension LedgerDatabase {
    /// Earns points and discount for a receipt; idempotent on (till, receipt).
    public func earn(_ request: CoreOp.TxnEarn.Parameters) async throws -> TxnAnswer {
        let request = try request.checked(needsLines: true)
        let number = try CardNumber(request.card)
        let saleTime = try request.time()
        let inputs: @Sendable (Currency) throws -> (lines: [SaleLine], digest: Data) = { currency in
            let lines = try request.lines.map { line throws(LoyaltyError) in try line.saleLine(currency: currency) }
            let digest = LedgerRules.earnDigest(card: number, lines: lines, at: saleTime, applied: request.applied)
            return (lines, digest)
        }
        // The lines and the digest (a JSON encode and a SHA-256) need only the merchant's
        // currency: worked out here, where earns run side by side, not on the group-commit
        // thread, where every microsecond is serialised. The merchant read in the transaction
        // decides; should it not be the one known here, they are worked out again there.
        let known = try await knownMerchant(code: request.merchant)
        let prepared = try inputs(known.currency)
        return try await write { db in
            let merchant = try Self.merchant(db, code: request.merchant)
            let (lines, digest) =
                merchant.id == known.id && merchant.currency == known.currency
                ? prepared : try inputs(merchant.currency)
            let end = try Self.programEnd(db, merchant: merchant)
            if var answer = try Self.replay(
                db, merchant: merchant, till: request.till, receipt: request.receipt, kind: "earn", digest: digest)
            {
                answer.programEnds = end
                return answer
            }
            let (versionID, rules) = try self.currentProgram(db, merchant: merchant)
            let at = saleTime ?? Date()
            if let reason = rules.closedReason(at: at) {
                throw RuleViolation(.programClosed, "No points for this sale: \(reason).")
            }
            try LedgerRules.refuseEarning(after: end, at: at, now: Date(), merchant: merchant)
            let card =
                try Self.card(db, merchant: merchant, number: number)
                ?? Self.enrol(db, merchant: merchant, number: number, rules: rules)
            try Self.requireActive(card, at: at)
            var account = try Self.account(db, id: card.accountID)
            // Membership at the sale's time, not now: a sale a till sends late keeps the rules it
            // was made under, and the return of it takes back by the same (till_txn.member).
            account.member = try Self.member(db, account: account, at: at)
            let earning = rules.earning(for: lines, member: account.member, at: at)
            let applied = try Self.checkedApplied(
                request.applied, lines: lines, rules: rules, member: account.member, currency: merchant.currency)
            let stamps = rules.stamps(for: lines)
            var answer = try Self.post(
                db, merchant: merchant,
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

    /// A card in the merchant's range that it has not seen becomes a new anonymous account,
    /// where the program allows it (`EarningRules.mayEnrol`); otherwise the card is unknown.
    static func enrol(_ db: Database, merchant: Merchant, number: CardNumber, rules: EarningRules) throws -> CardRow {
        guard rules.mayEnrol(number, cardPrefix: merchant.cardPrefix) else {
            throw RuleViolation(.unknownCard, "Card \(number) is not a card of \(merchant.name).")
        }
        let accountID = try insertAccount(db, merchant: merchant, member: false)
        try db.execute(
            sql: "INSERT INTO card (merchant_id, number, account_id, status, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [merchant.id, number.digits, accountID, CardStatus.active.rawValue, nowText()])
        return CardRow(id: db.lastInsertedRowID, number: number.digits, status: .active, accountID: accountID)
    }

    static func insertAccount(_ db: Database, merchant: Merchant, member: Bool) throws -> Int64 {
        try db.execute(
            sql: "INSERT INTO account (merchant_id, member, created_at) VALUES (?, ?, ?)",
            arguments: [merchant.id, member, nowText()])
        return db.lastInsertedRowID
    }

    /// Spends points (or a reward's points price) or discount balance under the program's
    /// spend policy (`EarningRules.spend`); idempotent on (till, receipt).
    public func redeem(_ request: CoreOp.TxnRedeem.Parameters) async throws -> TxnAnswer {
        let request = try request.checked(needsLines: false)
        let number = try CardNumber(request.card)
        let ask = try request.ask()
        let saleTime = try request.time()
        return try await write { db in
            let merchant = try Self.merchant(db, code: request.merchant)
            let digest = LedgerRules.redeemDigest(request, card: number, at: saleTime, currency: merchant.currency)
            let end = try Self.programEnd(db, merchant: merchant)
            if var answer = try Self.replay(
                db, merchant: merchant, till: request.till, receipt: request.receipt, kind: "redeem", digest: digest)
            {
                answer.programEnds = end
                return answer
            }
            let (versionID, rules) = try self.currentProgram(db, merchant: merchant)
            let at = saleTime ?? Date()
            // Closed hours close the card, not only earning (the Belgian regulation, article 15:
            // the card "is not valid" then): nothing may be spent either.
            if let reason = rules.closedReason(at: at) {
                throw RuleViolation(.programClosed, "The card cannot be used now: \(reason).")
            }
            try LedgerRules.refuseSpending(after: end, at: at, now: Date(), merchant: merchant)
            let card = try Self.requireCard(db, merchant: merchant, number: number)
            try Self.requireActive(card, at: at)
            let account = try Self.account(db, id: card.accountID)
            let spend = try rules.spend(
                ask, points: account.points,
                discount: Money(minorUnits: account.balanceMinor, currency: merchant.currency))
            var answer = try Self.post(
                db, merchant: merchant,
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
}
