import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

/// The cardholder's own page: tokens and what they show (types: LoyalgateProtocol/CoreOps/CardholderOps.swift).
extension CoreService {
    static let cardholderHandlers: [Handler] = [
        Handler(CoreOp.CardholderToken.self) { context, p in
            let days = p.days ?? 400
            guard (1...3660).contains(days) else {
                throw LoyaltyError(.badRequest, "\"days\" is 1 to 3660.")
            }
            let merchant = try await context.merchantCode(try context.merchant(p.merchant))
            // The card must be one of the merchant's and still usable: no token for a blocked card.
            let card = try await context.store.lookup(merchant: merchant, card: p.card).card
            try Self.refuseEnded(card.status)
            let issued = Date()
            let claims = CardholderTokens.Claims(
                merchant: merchant, card: card.number, issued: issued,
                expires: issued.addingTimeInterval(TimeInterval(days) * 86_400))
            let token = context.tokens.mint(claims)
            // What the token says, as it says it (whole seconds).
            let read = try context.tokens.verify(token, at: issued)
            return CardholderTokenAnswer(
                token: token, card: read.card, merchant: read.merchant, issued: Timestamp.format(read.issued),
                expires: Timestamp.format(read.expires))
        },
        Handler(CoreOp.CardholderView.self) { context, p in
            let limit = p.limit ?? 10
            guard (1...50).contains(limit) else { throw LoyaltyError(.badRequest, "\"limit\" is 1 to 50.") }
            let claims = try context.tokens.verify(p.token, at: Date())
            // A web bound to one merchant resolves only that merchant's tokens.
            let merchant = try context.merchant(claims.merchant) ?? claims.merchant
            guard let shop = try await context.store.merchants().first(where: { $0.code == merchant }) else {
                throw LoyaltyError(.forbidden, "This card link is for a shop this service does not serve.")
            }
            let lookup: CardLookupAnswer
            do {
                lookup = try await context.store.lookup(merchant: merchant, card: claims.card)
            } catch {
                throw LoyaltyError(.unknownCard, "This card is no longer known to \(shop.name): ask the shop.")
            }
            try Self.refuseEnded(lookup.card.status)
            let history =
                lookup.account.id == nil
                ? HistoryAnswer(entries: [])
                : try await context.store.history(merchant: merchant, card: claims.card, limit: limit)
            let rewards = (try? await context.store.rewards(merchant: merchant).rewards) ?? []
            var account = lookup.account
            account.id = nil
            return CardholderViewAnswer(
                merchant: merchant, shop: shop.name, card: lookup.card.number, status: lookup.card.status,
                account: account, stampCard: lookup.stampCard, vouchers: lookup.vouchers ?? [],
                entries: history.entries.map {
                    CardholderEntry(
                        kind: $0.kind, points: $0.points, amount: $0.amount, prepaid: $0.prepaid, stamps: $0.stamps,
                        at: $0.at)
                },
                rewards: rewards.sorted { ($0.points, $0.name) < ($1.points, $1.name) },
                issued: Timestamp.format(claims.issued), expires: Timestamp.format(claims.expires),
                programEnds: try await context.store.programEnd(merchant: merchant).date)
        },
    ]

    /// A blocked or replaced card's links stop working: whoever holds the old card or an old
    /// receipt sees no balance of the account it used to reach.
    static func refuseEnded(_ status: CardStatus) throws(LoyaltyError) {
        switch status {
        case .blocked:
            throw LoyaltyError(.cardBlocked, "This card is blocked, so its link no longer works: ask the shop.")
        case .replaced:
            throw LoyaltyError(
                .cardBlocked, "This card was replaced by a new one, so its link no longer works: use the new card's.")
        case .issued, .active: return
        }
    }
}

extension HandlerContext {
    /// The merchant's code: the one named, or the core's only merchant.
    func merchantCode(_ named: String?) async throws -> String {
        let merchants = try await store.merchants()
        if let named {
            guard merchants.contains(where: { $0.code == named }) else {
                throw LoyaltyError(.unknownMerchant, "The core has no merchant \(named.prefix(64)).")
            }
            return named
        }
        guard merchants.count == 1, let only = merchants.first else {
            throw LoyaltyError(.badRequest, "Name the merchant: this core serves several (or none yet).")
        }
        return only.code
    }
}
