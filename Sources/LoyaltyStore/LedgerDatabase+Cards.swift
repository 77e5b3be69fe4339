import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain

extension LedgerDatabase {
    /// Registers cards, each on an account of its own, in one transaction: all or none.
    public func addCards(
        merchant code: String?, numbers: [CardNumber], status: CardStatus = .active, member: Bool = false
    ) throws {
        try writer.write { db in
            let merchant = try Self.merchant(db, code: code)
            for number in numbers {
                if try Self.card(db, merchant: merchant, number: number) != nil {
                    throw LoyaltyError(.badRequest, "Card \(number) is already registered at \(merchant.code).")
                }
                let accountID = try Self.insertAccount(db, merchant: merchant, member: member)
                try db.execute(
                    sql:
                        "INSERT INTO card (merchant_id, number, account_id, status, created_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [merchant.id, number.digits, accountID, status.rawValue, nowText()])
            }
        }
    }

    /// What a till shows when a card is scanned.
    public func lookup(merchant code: String?, card text: String) async throws -> CardLookupAnswer {
        let number = try CardNumber(text)
        return try await read { db in
            let merchant = try Self.merchant(db, code: code)
            guard let card = try Self.card(db, merchant: merchant, number: number) else {
                // A card of a shared design that this shop has not seen yet: it will be enrolled
                // on its first earn, so the till may go ahead.
                let (_, rules) = try self.currentProgram(db, merchant: merchant)
                guard rules.mayEnrol(number, cardPrefix: merchant.cardPrefix) else {
                    throw RuleViolation(.unknownCard, "Card \(number) is not a card of \(merchant.name).")
                }
                var unseen = CardLookupAnswer(
                    card: CardView(number: number.digits, status: .active),
                    account: AccountView(
                        id: nil, points: 0, balance: Money.zero(merchant.currency).decimalString,
                        currency: merchant.currency.code),
                    customer: nil, patientRef: nil, member: false, stampCard: Self.stampCard(rules, stamps: 0))
                unseen.programEnds = try Self.programEnd(db, merchant: merchant)
                return unseen
            }
            let account = try Self.account(db, id: card.accountID)
            let vouchers = try Self.openVouchers(db, merchant: merchant, accountID: account.id)
            var answer = CardLookupAnswer(
                card: CardView(number: card.number, status: card.status(at: Date())),
                account: Self.view(account, merchant: merchant),
                customer: try self.displayName(db, merchant: merchant, account: account).map(CustomerView.init),
                patientRef: try self.patientRef(card, merchant: merchant), member: account.member,
                // A stored program that no longer passes the check shows no stamp card; the
                // card's balances still show.
                stampCard: (try? self.currentProgram(db, merchant: merchant).rules).flatMap {
                    Self.stampCard($0, stamps: account.stamps)
                },
                vouchers: vouchers.isEmpty ? nil : vouchers)
            answer.programEnds = try Self.programEnd(db, merchant: merchant)
            return answer
        }
    }

    /// The account's ledger, newest first. A card shows its whole account's history.
    public func history(merchant code: String?, card text: String, limit: Int) async throws -> HistoryAnswer {
        let number = try CardNumber(text)
        return try await read { db in
            let merchant = try Self.merchant(db, code: code)
            let card = try Self.requireCard(db, merchant: merchant, number: number)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.*, \(Self.programVersionNumber),
                           (SELECT t.applied FROM till_txn t WHERE t.id = e.txn_id) AS applied
                    FROM ledger_entry e WHERE e.account_id = ? ORDER BY e.id DESC LIMIT ?
                    """, arguments: [card.accountID, max(1, min(limit, 1000))])
            let changes = try Self.accountChanges(db, account: card.accountID, limit: max(1, min(limit, 1000)))
            return HistoryAnswer(
                entries: rows.map { Self.historyEntry($0, merchant: merchant) },
                changes: changes.isEmpty ? nil : changes)
        }
    }
}

extension LedgerDatabase {
    /// The reward catalog of the merchant's current program.
    public func rewards(merchant code: String?) async throws -> RewardsAnswer {
        try await read { db in
            let merchant = try Self.merchant(db, code: code)
            return RewardsAnswer(rewards: try self.currentProgram(db, merchant: merchant).rules.program.rewards ?? [])
        }
    }
}
