import LoyalgateProtocol
import LoyaltyStore

/// Stamps, vouchers and cardholder prices (their types: LoyalgateProtocol/CoreOps/CardKindOps.swift).
extension CoreService {
    static let cardKindHandlers: [Handler] = [
        Handler(CoreOp.StampsRedeem.self) { context, p in
            try await context.store.stampsRedeem(try context.checked(p, needsLines: false))
        },
        Handler(CoreOp.VoucherIssue.self) { context, p in
            try await context.store.voucherIssue(try context.checked(p, needsLines: false))
        },
        Handler(CoreOp.VoucherRedeem.self) { context, p in
            try await context.store.voucherRedeem(try context.checked(p, needsLines: false))
        },
        Handler(CoreOp.VoucherLookup.self) { context, p in
            try await context.store.voucherLookup(merchant: try context.merchant(p.merchant), code: p.code)
        },
        Handler(CoreOp.TxnQuote.self) { context, p in
            var request = p
            request.merchant = try context.merchant(p.merchant)
            return try await context.store.quote(request)
        },
    ]
}
