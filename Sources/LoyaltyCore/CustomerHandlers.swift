import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

/// Personal data: only the back office reads, changes, exports or erases it (their types:
/// LoyalgateProtocol/CoreOps/CustomerOps.swift).
extension CoreService {
    static let customerHandlers: [Handler] = [
        Handler(CoreOp.CustomerRegister.self) { context, p in
            try await context.store.register(
                merchant: try context.merchant(p.merchant), details: p.details, consents: p.consents ?? Consents.none,
                card: p.card)
        },
        Handler(CoreOp.CustomerUpdate.self) { context, p in
            try await context.store.updateCustomer(
                merchant: try context.merchant(p.merchant), id: p.customer,
                patch: p.details ?? CustomerPatch(), consents: p.consents)
        },
        Handler(CoreOp.CustomerGet.self) { context, p in
            try await context.store.customer(merchant: try context.merchant(p.merchant), id: p.customer)
        },
        Handler(CoreOp.CustomerExport.self) { context, p in
            try await context.store.exportCustomer(merchant: try context.merchant(p.merchant), id: p.customer)
        },
        Handler(CoreOp.CustomerErase.self) { context, p in
            let merchant = try context.merchant(p.merchant)
            try await context.store.erase(merchant: merchant, id: p.customer)
            return try await context.store.customer(merchant: merchant, id: p.customer)
        },
        Handler(CoreOp.MailUnsubscribe.self) { context, p in
            MailUnsubscribeAnswer(
                customer: try await context.store.unsubscribe(
                    merchant: try context.merchant(p.merchant), token: p.token),
                mail: false)
        },
    ]
}
