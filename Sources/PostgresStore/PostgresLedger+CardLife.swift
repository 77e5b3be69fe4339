import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PostgresNIO

// A card's life, as the SQLite store's LedgerDatabase+CardLife: issued → active → blocked →
// replaced, each step one transaction; a replacement fee is a ledger entry.
extension PostgresLedger {
    public func activate(merchant code: String?, card text: String, customer: Int64?, at instant: Date) async throws
        -> CardStateAnswer
    {
        let number = try CardNumber(text)
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            let card = try await self.requireCard(connection, merchant: merchant, number: number)
            try card.status.requireActivatable(card: number.digits)
            let (_, rules) = try await self.currentProgram(connection, merchant: merchant)
            let activeFrom =
                card.status == .active ? card.activeFrom : instant.addingTimeInterval(rules.activationDelay)
            try await connection.run(
                """
                UPDATE card SET status = \(CardStatus.active.rawValue), active_from = \(activeFrom.map(Timestamp.format))
                WHERE id = \(card.id)
                """, logger: self.logger)
            if let customer {
                try await self.attach(connection, merchant: merchant, customer: customer, account: card.accountID)
            }
            return CardStateAnswer(
                card: CardView(
                    number: number.digits, status: CardStatus.active.shown(at: instant, activeFrom: activeFrom)),
                activeFrom: activeFrom.map(Timestamp.format))
        }
    }

    public func block(merchant code: String?, card text: String, reason: String) async throws -> CardStateAnswer {
        let number = try CardNumber(text)
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            let card = try await self.requireCard(connection, merchant: merchant, number: number)
            try card.status.requireNotReplaced(card: number.digits)
            try await connection.run(
                "UPDATE card SET status = \(CardStatus.blocked.rawValue), status_reason = \(reason) WHERE id = \(card.id)",
                logger: self.logger)
            return CardStateAnswer(card: CardView(number: number.digits, status: .blocked), activeFrom: nil)
        }
    }

    public func replace(merchant code: String?, card text: String, reason: String, newCard: String?) async throws
        -> ReplaceAnswer
    {
        let oldNumber = try CardNumber(text)
        let wanted = try newCard.map { text throws(RuleViolation) in try CardNumber(text) }
        guard Program.CardRules.replacementReasons.contains(reason) else {
            throw LoyaltyError(
                .badRequest,
                "The reason must be one of \(Program.CardRules.replacementReasons.joined(separator: ", ")).")
        }
        return try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            let old = try await self.requireCard(connection, merchant: merchant, number: oldNumber)
            try old.status.requireNotReplaced(card: oldNumber.digits)
            // The account first, locked: a spend on another core waits for the fee.
            var account = try await self.account(connection, id: old.accountID, lock: true)
            let newNumber: CardNumber
            if let wanted {
                if let blank = try await self.card(connection, merchant: merchant, number: wanted) {
                    let used = try await connection.row(
                        "SELECT COUNT(*) AS n FROM ledger_entry WHERE account_id = \(blank.accountID)",
                        logger: self.logger)!.int("n")
                    guard blank.status.isBlank, used == 0 else {
                        throw LoyaltyError(.badRequest, "Card \(wanted) is already in use; give a blank card.")
                    }
                    try await connection.run("DELETE FROM card WHERE id = \(blank.id)", logger: self.logger)
                }
                newNumber = wanted
            } else {
                newNumber = try await self.nextFreeNumber(connection, merchant: merchant)
            }
            try await connection.run(
                """
                UPDATE card SET status = \(CardStatus.replaced.rawValue), status_reason = \(reason),
                       replaced_by = \(newNumber.digits) WHERE id = \(old.id)
                """, logger: self.logger)
            try await connection.run(
                """
                INSERT INTO card (merchant_id, number, account_id, status, created_at, patient_ref)
                SELECT \(merchant.id), \(newNumber.digits), account_id, \(CardStatus.active.rawValue),
                       \(Timestamp.format(Date())), patient_ref FROM card WHERE id = \(old.id)
                """, logger: self.logger)
            let (versionID, rules) = try await self.currentProgram(connection, merchant: merchant)
            let fee = rules.replacementFee(reason: reason)
            var feeAnswer: ReplaceAnswer.Fee?
            if fee.minorUnits > 0 {
                // As on SQLite: from the discount balance where it covers the fee and may be
                // spent (Belgian regulation, article 10), otherwise paid at the till.
                let fromBalance =
                    rules.program.discount != nil && account.balanceMinor >= fee.minorUnits
                    && account.balanceMinor >= rules.discountRedeemThreshold.minorUnits
                let minor = fromBalance ? -fee.minorUnits : 0
                let after = try LedgerRules.moved(account, points: 0, minor: minor, kind: "fee")
                let now = Timestamp.format(Date())
                try await connection.run(
                    """
                    INSERT INTO ledger_entry (merchant_id, account_id, card_number, kind, points, amount_minor,
                                              shortfall_minor, program_version_id, at, recorded_at)
                    VALUES (\(merchant.id), \(account.id), \(newNumber.digits), 'fee', 0, \(minor),
                            \(fromBalance ? Int64(0) : fee.minorUnits), \(versionID), \(now), \(now))
                    """, logger: self.logger)
                try await connection.run(
                    "UPDATE account SET balance_minor = balance_minor + \(minor) WHERE id = \(account.id)",
                    logger: self.logger)
                account = after
                feeAnswer = .init(amount: fee.decimalString, paidFrom: fromBalance ? .balance : .till)
            }
            return ReplaceAnswer(
                card: CardView(number: newNumber.digits, status: .active),
                replaced: CardView(number: oldNumber.digits, status: .replaced),
                account: LedgerRules.view(account, merchant: merchant), fee: feeAnswer)
        }
    }

    /// The next never-used number of the merchant's range; the range row is locked, so two
    /// cores replacing cards at once take different numbers.
    func nextFreeNumber(_ connection: PostgresConnection, merchant: Merchant) async throws -> CardNumber {
        guard let prefix = merchant.cardPrefix else {
            throw LoyaltyError(.badRequest, "\(merchant.code) has no card range; give the new card's number.")
        }
        try await connection.run(
            "INSERT INTO card_range (merchant_id, next_serial) VALUES (\(merchant.id), 0) ON CONFLICT DO NOTHING",
            logger: logger)
        var serial = try await connection.row(
            "SELECT next_serial FROM card_range WHERE merchant_id = \(merchant.id) FOR UPDATE", logger: logger)!.int(
                "next_serial")
        while true {
            let number = try CardNumber(prefix: prefix, serial: serial)
            serial += 1
            if try await card(connection, merchant: merchant, number: number) == nil {
                try await connection.run(
                    "UPDATE card_range SET next_serial = \(serial) WHERE merchant_id = \(merchant.id)", logger: logger)
                return number
            }
        }
    }
}
