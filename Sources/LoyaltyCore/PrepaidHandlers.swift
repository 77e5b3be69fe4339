import LoyalgateProtocol
import LoyaltyStore

/// Prepaid (stored value) ops (their types: LoyalgateProtocol/CoreOps/PrepaidOps.swift).
extension CoreService {
    static let prepaidHandlers: [Handler] = [
        Handler(CoreOp.PrepaidLoad.self) { context, p in
            try await context.store.prepaidLoad(try context.checked(p, needsLines: false))
        },
        Handler(CoreOp.PrepaidPay.self) { context, p in
            try await context.store.prepaidPay(try context.checked(p, needsLines: false))
        },
        Handler(CoreOp.PrepaidReverse.self) { context, p in
            try await context.store.prepaidReverse(try context.checked(p, needsLines: false))
        },
        Handler(CoreOp.PrepaidLiability.self) { context, p in
            try await context.store.prepaidLiability(merchant: try context.merchant(p.merchant))
        },
    ]
}
