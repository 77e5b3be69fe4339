import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

/// The ops a till uses at the counter.
extension CoreService {
    static let tillOperations: [Operation] = [
        Operation(name: "card.lookup", role: .till) { context in
            let p = try context.parameters(CardParameters.self)
            return try await context.database.lookup(merchant: try context.merchant(p.merchant), card: p.card)
        },
        Operation(name: "txn.earn", role: .till) { context in
            let p = try context.parameters(EarnParameters.self)
            try checkReceipt(till: p.till, receipt: p.receipt, lines: p.lines, needLines: true)
            return try await context.database.earn(EarnRequest(
                merchant: try context.merchant(p.merchant), card: p.card, till: p.till, receipt: p.receipt, lines: p.lines,
                at: try time(p.at)))
        },
        Operation(name: "txn.redeem", role: .till) { context in
            let p = try context.parameters(RedeemParameters.self)
            try checkReceipt(till: p.till, receipt: p.receipt, lines: [], needLines: false)
            return try await context.database.redeem(RedeemRequest(
                merchant: try context.merchant(p.merchant), card: p.card, till: p.till, receipt: p.receipt, points: p.points,
                amount: p.amount, reward: p.reward, purchaseTotal: p.purchaseTotal, cash: p.cash ?? false, at: try time(p.at)))
        },
        Operation(name: "txn.return", role: .till) { context in
            let p = try context.parameters(ReturnParameters.self)
            try checkReceipt(till: p.till, receipt: p.receipt, lines: p.lines, needLines: true)
            return try await context.database.returnLines(ReturnRequest(
                merchant: try context.merchant(p.merchant), till: p.till, receipt: p.receipt, originalTill: p.original.till,
                originalReceipt: p.original.receipt, lines: p.lines, at: try time(p.at)))
        },
        Operation(name: "account.history", role: .till) { context in
            let p = try context.parameters(HistoryParameters.self)
            return try await context.database.history(merchant: try context.merchant(p.merchant), card: p.card, limit: p.limit ?? 50)
        },
        Operation(name: "customer.find", role: .till) { context in
            let p = try context.parameters(FindParameters.self)
            return try await context.database.findCustomers(merchant: try context.merchant(p.merchant), phone: p.phone, email: p.email)
        },
        Operation(name: "program.rewards", role: .till) { context in
            let p = try context.parameters(MerchantParameters.self)
            return try await context.database.rewards(merchant: try context.merchant(p.merchant))
        },
        Operation(name: "core.status", role: .till) { context in
            let merchants = try await context.database.merchants().filter { context.grant.merchant == nil || $0.code == context.grant.merchant }
            return StatusAnswer(version: version, role: context.grant.role.rawValue, merchants: merchants.map {
                StatusAnswer.MerchantSummary(code: $0.code, name: $0.name, currency: $0.currency.code, cardPrefix: $0.cardPrefix)
            })
        },
    ]

    static func checkReceipt(till: String, receipt: String, lines: [LineInput], needLines: Bool) throws(LoyaltyError) {
        guard !till.isEmpty, till.count <= 64, !receipt.isEmpty, receipt.count <= 64 else {
            throw LoyaltyError(.badRequest, "\"till\" and \"receipt\" must each be 1 to 64 characters.")
        }
        guard !needLines || !lines.isEmpty else {
            throw LoyaltyError(.badRequest, "The receipt has no lines.")
        }
        guard lines.count <= maximumLines else {
            throw LoyaltyError(.badRequest, "A receipt may have at most \(maximumLines) lines; this one has \(lines.count).")
        }
    }

    static func time(_ text: String?) throws(LoyaltyError) -> Date? {
        guard let text else { return nil }
        guard let date = Timestamp.parse(text) else {
            throw LoyaltyError(.badRequest, "\"at\" must be an RFC 3339 time like 2026-11-21T14:30:00Z.")
        }
        return date
    }
}

/// What a gateway or `doctor` asks first: is the core there, which card ranges it knows, and
/// what role the caller has.
struct StatusAnswer: Encodable {
    struct MerchantSummary: Encodable {
        var code: String
        var name: String
        var currency: String
        /// Scans starting with this prefix are this merchant's cards.
        var cardPrefix: String?
    }

    var version: String
    var role: String
    var merchants: [MerchantSummary]
}
