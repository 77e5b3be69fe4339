import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain

extension LedgerDatabase {
    /// The card a reprint of `text` must print: the card itself, or, when it was replaced, the
    /// card that replaced it (following the chain), since the old number is retired for good.
    public struct CardToPrint: Sendable, Equatable {
        public var number: String
        public var status: CardStatus
        /// The retired numbers on the way, oldest first; empty when the card was never replaced.
        public var replaced: [String]
    }

    public func cardToPrint(merchant code: String?, card text: String) throws -> CardToPrint {
        let number = try CardNumber(text)
        return try writer.read { db in
            let merchant = try Self.merchant(db, code: code)
            var card = try Self.requireCard(db, merchant: merchant, number: number)
            var replaced: [String] = []
            while card.status == .replaced, replaced.count < 1000,
                let next = try String.fetchOne(
                    db, sql: "SELECT replaced_by FROM card WHERE id = ?", arguments: [card.id])
            {
                replaced.append(card.number)
                card = try Self.requireCard(db, merchant: merchant, number: try CardNumber(next))
            }
            return CardToPrint(number: card.number, status: card.status, replaced: replaced)
        }
    }
}
