import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

/// A card's life and households: back-office ops (their types: LoyalgateProtocol/CoreOps/CardOps.swift).
extension CoreService {
    static let cardHandlers: [Handler] = [
        Handler(CoreOp.CardActivate.self) { context, p in
            try await context.store.activate(
                merchant: try context.merchant(p.merchant), card: p.card, customer: p.customer, at: Date())
        },
        Handler(CoreOp.CardBlock.self) { context, p in
            try await context.store.block(
                merchant: try context.merchant(p.merchant), card: p.card, reason: p.reason ?? "lost")
        },
        Handler(CoreOp.CardReplace.self) { context, p in
            try await context.store.replace(
                merchant: try context.merchant(p.merchant), card: p.card, reason: p.reason, newCard: p.newCard)
        },
        Handler(CoreOp.CardLinkPatient.self) { context, p in
            let merchant = try context.merchant(p.merchant)
            try await context.store.linkPatient(merchant: merchant, card: p.card, patientRef: p.patientRef)
            return try await context.store.lookup(merchant: merchant, card: p.card)
        },
        Handler(CoreOp.AccountPool.self) { context, p in
            try await context.store.pool(merchant: try context.merchant(p.merchant), card: p.card, into: p.into)
        },
        Handler(CoreOp.AccountSplit.self) { context, p in
            try await context.store.split(
                merchant: try context.merchant(p.merchant), card: p.card, points: p.points ?? 0, amount: p.amount)
        },
        Handler(CoreOp.MembershipSet.self) { context, p in
            try await context.store.setMembership(
                merchant: try context.merchant(p.merchant), card: p.card, member: p.member, at: Date())
        },
        Handler(CoreOp.CardDetach.self) { context, p in
            try await context.store.detach(merchant: try context.merchant(p.merchant), card: p.card, at: Date())
        },
    ]
}
