import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain

extension LedgerDatabase {
    public func cardToPrint(merchant code: String?, card text: String) throws -> CardToPrint {
        let number = try CardNumber(text)
        return try writer.read { db in
            let merchant = try Self.merchant(db, code: code)
            var card = try Self.requireCard(db, merchant: merchant, number: number)
            var chain = [(number: card.number, status: card.status)]
            while card.status == .replaced, chain.count <= CardToPrint.longestChain,
                let next = try String.fetchOne(
                    db, sql: "SELECT replaced_by FROM card WHERE id = ?", arguments: [card.id])
            {
                card = try Self.requireCard(db, merchant: merchant, number: try CardNumber(next))
                chain.append((number: card.number, status: card.status))
            }
            return CardToPrint(chain: chain)
        }
    }
}
