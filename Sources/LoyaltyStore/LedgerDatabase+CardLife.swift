import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain
import PersonalData

/// A card's life: issued (blank) → active → blocked (lost or stolen) → replaced. Each step is one
/// transaction; a fee is a ledger entry, never a silent change of balance.
extension LedgerDatabase {
    /// Hands a card out: it earns after the program's activation delay. A customer already
    /// registered may be attached at the same time.
    public func activate(merchant code: String?, card text: String, customer: Int64?, at instant: Date = Date())
        async throws -> CardStateAnswer
    {
        let number = try CardNumber(text)
        return try await write { db in
            let merchant = try Self.merchant(db, code: code)
            let card = try Self.requireCard(db, merchant: merchant, number: number)
            try card.status.requireActivatable(card: number.digits)
            let (_, rules) = try self.currentProgram(db, merchant: merchant)
            let activeFrom =
                card.status == .active ? card.activeFrom : instant.addingTimeInterval(rules.activationDelay)
            try db.execute(
                sql: "UPDATE card SET status = ?, active_from = ? WHERE id = ?",
                arguments: [CardStatus.active.rawValue, activeFrom.map(Timestamp.format), card.id])
            if let customer {
                try Self.attach(db, merchant: merchant, customer: customer, account: card.accountID)
            }
            return CardStateAnswer(
                card: CardView(
                    number: number.digits, status: CardStatus.active.shown(at: instant, activeFrom: activeFrom)),
                activeFrom: activeFrom.map(Timestamp.format))
        }
    }

    /// Blocks a lost or stolen card at once; its balance stays on the account for a replacement.
    public func block(merchant code: String?, card text: String, reason: String) async throws -> CardStateAnswer {
        let number = try CardNumber(text)
        return try await write { db in
            let merchant = try Self.merchant(db, code: code)
            let card = try Self.requireCard(db, merchant: merchant, number: number)
            try card.status.requireNotReplaced(card: number.digits)
            try db.execute(
                sql: "UPDATE card SET status = ?, status_reason = ? WHERE id = ?",
                arguments: [CardStatus.blocked.rawValue, reason, card.id])
            return CardStateAnswer(card: CardView(number: number.digits, status: .blocked), activeFrom: nil)
        }
    }

    /// Moves the account, with its whole balance, to a new card and retires the old number for
    /// good. The new card is `newCard` (a blank from a batch, or a number not yet registered) or,
    /// without it, the next number of the merchant's range.
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
        return try await write { db in
            let merchant = try Self.merchant(db, code: code)
            let old = try Self.requireCard(db, merchant: merchant, number: oldNumber)
            try old.status.requireNotReplaced(card: oldNumber.digits)
            let newNumber: CardNumber
            if let wanted {
                if let blank = try Self.card(db, merchant: merchant, number: wanted) {
                    let spare = try Self.account(db, id: blank.accountID)
                    let used =
                        try Int.fetchOne(
                            db, sql: "SELECT COUNT(*) FROM ledger_entry WHERE account_id = ?", arguments: [spare.id])
                        ?? 0
                    guard blank.status.isBlank, used == 0 else {
                        throw LoyaltyError(.badRequest, "Card \(wanted) is already in use; give a blank card.")
                    }
                    try db.execute(sql: "DELETE FROM card WHERE id = ?", arguments: [blank.id])
                }
                newNumber = wanted
            } else {
                newNumber = try Self.nextFreeNumber(db, merchant: merchant)
            }
            try db.execute(
                sql: "UPDATE card SET status = ?, status_reason = ?, replaced_by = ? WHERE id = ?",
                arguments: [CardStatus.replaced.rawValue, reason, newNumber.digits, old.id])
            try db.execute(
                sql: """
                    INSERT INTO card (merchant_id, number, account_id, status, created_at, patient_ref) VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    merchant.id, newNumber.digits, old.accountID, CardStatus.active.rawValue, nowText(), old.patientRef,
                ])

            let (versionID, rules) = try self.currentProgram(db, merchant: merchant)
            var account = try Self.account(db, id: old.accountID)
            let fee = rules.replacementFee(reason: reason)
            var feeAnswer: ReplaceAnswer.Fee?
            if fee.minorUnits > 0 {
                // Taken from the discount balance where it covers the fee, otherwise paid at the
                // till; either way the ledger shows it. A balance still below the spend threshold
                // is not the customer's to spend yet, so no fee may take it either (Belgian
                // regulation, article 10): the fee is paid at the till then.
                let fromBalance =
                    rules.program.discount != nil && account.balanceMinor >= fee.minorUnits
                    && account.balanceMinor >= rules.discountRedeemThreshold.minorUnits
                try Self.appendEntry(
                    db,
                    Entry(
                        merchantID: merchant.id, accountID: account.id, card: newNumber.digits, kind: "fee",
                        points: 0, minor: fromBalance ? -fee.minorUnits : 0,
                        shortfallMinor: fromBalance ? 0 : fee.minorUnits,
                        programVersionID: versionID, at: nowText()))
                if fromBalance { account.balanceMinor -= fee.minorUnits }
                feeAnswer = .init(amount: fee.decimalString, paidFrom: fromBalance ? .balance : .till)
            }
            return ReplaceAnswer(
                card: CardView(number: newNumber.digits, status: .active),
                replaced: CardView(number: oldNumber.digits, status: .replaced),
                account: Self.view(account, merchant: merchant), fee: feeAnswer)
        }
    }

    /// The next number of the merchant's range that was never used, without issuing a card.
    static func nextFreeNumber(_ db: Database, merchant: Merchant) throws -> CardNumber {
        guard let prefix = merchant.cardPrefix else {
            throw LoyaltyError(.badRequest, "\(merchant.code) has no card range; give the new card's number.")
        }
        var serial =
            try Int64.fetchOne(
                db, sql: "SELECT next_serial FROM card_range WHERE merchant_id = ?", arguments: [merchant.id]) ?? 0
        while true {
            let number = try CardNumber(prefix: prefix, serial: serial)
            serial += 1
            if try card(db, merchant: merchant, number: number) == nil {
                try db.execute(
                    sql: """
                        INSERT INTO card_range (merchant_id, next_serial) VALUES (?, ?)
                        ON CONFLICT (merchant_id) DO UPDATE SET next_serial = excluded.next_serial
                        """, arguments: [merchant.id, serial])
                return number
            }
        }
    }

    /// Stores the pharmacy system's patient reference on the card, sealed; only this merchant's
    /// look-ups return it.
    public func linkPatient(merchant code: String?, card text: String, patientRef: String?) async throws {
        let number = try CardNumber(text)
        try LedgerRules.checkPatientRef(patientRef)
        try await write { db in
            let merchant = try Self.merchant(db, code: code)
            let card = try Self.requireCard(db, merchant: merchant, number: number)
            let sealed = try patientRef.map {
                try self.cipher.seal(Data($0.utf8), context: LedgerRules.patientContext(merchant))
            }
            try db.execute(sql: "UPDATE card SET patient_ref = ? WHERE id = ?", arguments: [sealed, card.id])
        }
    }

    func patientRef(_ card: CardRow, merchant: Merchant) throws -> String? {
        try card.patientRef.map {
            String(decoding: try cipher.open($0, context: LedgerRules.patientContext(merchant)), as: UTF8.self)
        }
    }
}
