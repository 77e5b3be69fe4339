import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

/// The ops a till uses at the counter (their types: LoyalgateProtocol/CoreOps/TillOps.swift).
extension CoreService {
    static let tillHandlers: [Handler] = [
        Handler(CoreOp.CardLookup.self) { context, p in
            var answer = try await context.store.lookup(merchant: try context.merchant(p.merchant), card: p.card)
            // A pharmacy's patient reference is health data: only for callers bound to the merchant.
            if !context.grant.seesHealthData { answer.patientRef = nil }
            return answer
        },
        Handler(CoreOp.TxnEarn.self) { context, p in
            try await context.store.earn(try context.checked(p, needsLines: true))
        },
        Handler(CoreOp.TxnRedeem.self) { context, p in
            try await context.store.redeem(try context.checked(p, needsLines: false))
        },
        Handler(CoreOp.TxnReturn.self) { context, p in
            try await context.store.returnLines(try context.checked(p, needsLines: true))
        },
        Handler(CoreOp.AccountHistory.self) { context, p in
            try await context.store.history(
                merchant: try context.merchant(p.merchant), card: p.card, limit: p.limit ?? 50)
        },
        Handler(CoreOp.CustomerFind.self) { context, p in
            try await context.store.findCustomers(
                merchant: try context.merchant(p.merchant), phone: p.phone, email: p.email)
        },
        Handler(CoreOp.ProgramRewards.self) { context, p in
            try await context.store.rewards(merchant: try context.merchant(p.merchant))
        },
        Handler(CoreOp.CoreStatus.self) { context, _ in
            let merchants = try await context.store.merchants().filter {
                context.grant.merchant == nil || $0.code == context.grant.merchant
            }
            return StatusAnswer(
                version: version, role: context.grant.role,
                merchants: merchants.map {
                    StatusAnswer.MerchantSummary(
                        code: $0.code, name: $0.name, currency: $0.currency.code, cardPrefix: $0.cardPrefix)
                })
        },
    ]
}
