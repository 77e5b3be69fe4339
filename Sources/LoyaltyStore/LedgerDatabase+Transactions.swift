import Foundation
import GRDB
import LoyaltyDomain

extension LedgerDatabase {
    /// Earns points and discount for a receipt; idempotent on (till, receipt).
    public func earn(_ request: EarnRequest) async throws -> TxnAnswer {
        let number = try CardNumber(request.card)
        return try await write { db in
            let merchant = try Self.merchant(db, code: request.merchant)
            if let answer = try Self.replay(db, merchant: merchant, till: request.till, receipt: request.receipt, kind: "earn") {
                return answer
            }
            let (versionID, rules) = try self.currentProgram(db, merchant: merchant)
            let lines = try request.lines.map { line throws(LoyaltyError) in try line.saleLine(currency: merchant.currency) }
            let at = request.at ?? Date()
            if let reason = rules.closedReason(at: at) {
                throw LoyaltyError(.programClosed, "No points for this sale: \(reason).")
            }
            let card = try Self.card(db, merchant: merchant, number: number)
                ?? Self.enrol(db, merchant: merchant, number: number, rules: rules)
            try Self.requireActive(card, at: at)
            let account = try Self.account(db, id: card.accountID)
            let earning = rules.earning(for: lines, member: account.member)
            return try Self.post(db, merchant: merchant, Posting(
                kind: "earn", till: request.till, receipt: request.receipt, card: card.number, account: account,
                programVersionID: versionID, originalTxnID: nil, lines: lines,
                intendedPoints: earning.points, intendedMinor: earning.discount.minorUnits,
                points: earning.points, minor: earning.discount.minorUnits, at: at, redeemed: nil))
        }
    }

    /// A card in the merchant's range that it has not seen becomes a new anonymous account,
    /// where the program allows it; otherwise the card is unknown.
    static func enrol(_ db: Database, merchant: Merchant, number: CardNumber, rules: EarningRules) throws -> CardRow {
        guard rules.program.autoEnrol == true, isInRange(number, of: merchant) else {
            throw LoyaltyError(.unknownCard, "Card \(number) is not a card of \(merchant.name).")
        }
        let accountID = try insertAccount(db, merchant: merchant, member: false)
        try db.execute(sql: "INSERT INTO card (merchant_id, number, account_id, status, created_at) VALUES (?, ?, ?, 'active', ?)",
                       arguments: [merchant.id, number.digits, accountID, nowText()])
        return CardRow(id: db.lastInsertedRowID, number: number.digits, status: "active", accountID: accountID)
    }

    static func insertAccount(_ db: Database, merchant: Merchant, member: Bool) throws -> Int64 {
        try db.execute(sql: "INSERT INTO account (merchant_id, member, created_at) VALUES (?, ?, ?)",
                       arguments: [merchant.id, member, nowText()])
        return db.lastInsertedRowID
    }

    /// Spends points (or a reward's points price) or discount balance; idempotent on (till, receipt).
    public func redeem(_ request: RedeemRequest) async throws -> TxnAnswer {
        let number = try CardNumber(request.card)
        let asked = [request.points != nil, request.amount != nil, request.reward != nil].filter { $0 }.count
        guard asked == 1 else {
            throw LoyaltyError(.badRequest, "A redeem needs exactly one of \"points\", \"amount\" or \"reward\".")
        }
        return try await write { db in
            let merchant = try Self.merchant(db, code: request.merchant)
            if let answer = try Self.replay(db, merchant: merchant, till: request.till, receipt: request.receipt, kind: "redeem") {
                return answer
            }
            let (versionID, rules) = try self.currentProgram(db, merchant: merchant)
            let card = try Self.requireCard(db, merchant: merchant, number: number)
            try Self.requireActive(card, at: request.at ?? Date())
            let account = try Self.account(db, id: card.accountID)
            let spend = try Self.spend(for: request, account: account, rules: rules)
            return try Self.post(db, merchant: merchant, Posting(
                kind: "redeem", till: request.till, receipt: request.receipt, card: card.number, account: account,
                programVersionID: versionID, originalTxnID: nil, lines: nil,
                intendedPoints: -spend.points, intendedMinor: -spend.minor, points: -spend.points, minor: -spend.minor,
                at: request.at ?? Date(),
                redeemed: TxnAnswer.Redeemed(
                    points: spend.points, amount: Money(minorUnits: spend.minor, currency: merchant.currency).decimalString,
                    reward: spend.reward)))
        }
    }

    /// What a redeem takes from the account, after every rule of the program is checked.
    static func spend(for request: RedeemRequest, account: AccountRow, rules: EarningRules)
        throws(LoyaltyError) -> (points: Int64, minor: Int64, reward: Program.Reward?)
    {
        if let sku = request.reward {
            guard let reward = rules.reward(sku: sku) else {
                throw LoyaltyError(.unknownReward, "\(sku) is not in the reward catalog.")
            }
            guard account.points >= reward.points else {
                throw LoyaltyError(.insufficientBalance, "\(reward.name) costs \(reward.points) points; the card has \(account.points).")
            }
            return (reward.points, 0, reward)
        }
        if let points = request.points {
            guard rules.program.points != nil else {
                throw LoyaltyError(.badRequest, "This program has no points to redeem; redeem an \"amount\" of discount.")
            }
            guard points >= rules.minimumPointsRedeem else {
                throw LoyaltyError(.belowThreshold, "At least \(rules.minimumPointsRedeem) points must be redeemed at once.")
            }
            guard account.points >= points else {
                throw LoyaltyError(.insufficientBalance, "The card has \(account.points) points, fewer than the \(points) asked for.")
            }
            return (points, 0, nil)
        }
        let currency = rules.currency
        guard rules.program.discount != nil else {
            throw LoyaltyError(.badRequest, "This program has no discount balance; redeem \"points\" or a \"reward\".")
        }
        let amount: Money
        do { amount = try Money(parsing: request.amount ?? "", currency: currency) } catch {
            throw LoyaltyError(.badRequest, error.description)
        }
        guard amount.minorUnits > 0 else { throw LoyaltyError(.badRequest, "The amount to redeem must be more than zero.") }
        if !rules.discountCashOutAllowed {
            if request.cash {
                throw LoyaltyError(.cashOutNotAllowed, "The discount cannot be paid out in cash; it can only pay for a purchase.")
            }
            guard let totalText = request.purchaseTotal, let total = try? Money(parsing: totalText, currency: currency) else {
                throw LoyaltyError(.cashOutNotAllowed, "The discount can only pay for a purchase: send the purchase total as \"purchaseTotal\".")
            }
            guard amount <= total else {
                throw LoyaltyError(.cashOutNotAllowed, "The discount can pay at most the purchase total of \(total.decimalString); the rest is never paid out in cash.")
            }
        }
        let balance = Money(minorUnits: account.balanceMinor, currency: currency)
        guard balance >= rules.discountRedeemThreshold else {
            throw LoyaltyError(.belowThreshold, "The discount of \(balance.decimalString) can be used from \(rules.discountRedeemThreshold.decimalString) on.")
        }
        guard amount <= balance else {
            throw LoyaltyError(.insufficientBalance, "The card has \(balance.decimalString) of discount, less than the \(amount.decimalString) asked for.")
        }
        return (0, amount.minorUnits, nil)
    }
}
