import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

/// Answers core ops: one request line in, one answer line out. Knows the wire format and the
/// ledger, nothing about sockets, so it is tested without any.
public struct CoreService: Sendable {
    public static let version = "0.1.0"
    /// Receipts are bounded so one request cannot hold the single writer for long.
    public static let maximumLines = 1_000

    let database: LedgerDatabase

    public init(database: LedgerDatabase) {
        self.database = database
    }

    public func answer(line: Data) async -> Data {
        let request: Request
        switch Request.parse(line) {
        case .failure(let failure): return Frame.failure(id: failure.id, failure.error)
        case .success(let parsed): request = parsed
        }
        do {
            return try await dispatch(request)
        } catch let error as LoyaltyError {
            return Frame.failure(id: request.id, error)
        } catch let error as ProgramError {
            return Frame.failure(id: request.id, LoyaltyError(.internalError, "The stored program could not be used: \(error.message)"))
        } catch {
            return Frame.failure(id: request.id, LoyaltyError(.internalError, "The loyalty core could not complete this; nothing was recorded. Try again."))
        }
    }

    private func dispatch(_ request: Request) async throws -> Data {
        switch request.op {
        case "card.lookup":
            let p = try request.parameters(CardParameters.self)
            return Frame.success(id: request.id, try await database.lookup(merchant: p.merchant, card: p.card))
        case "txn.earn":
            let p = try request.parameters(EarnParameters.self)
            try Self.checkReceipt(till: p.till, receipt: p.receipt, lines: p.lines, needLines: true)
            return Frame.success(id: request.id, try await database.earn(EarnRequest(
                merchant: p.merchant, card: p.card, till: p.till, receipt: p.receipt, lines: p.lines, at: try Self.time(p.at))))
        case "txn.redeem":
            let p = try request.parameters(RedeemParameters.self)
            try Self.checkReceipt(till: p.till, receipt: p.receipt, lines: [], needLines: false)
            return Frame.success(id: request.id, try await database.redeem(RedeemRequest(
                merchant: p.merchant, card: p.card, till: p.till, receipt: p.receipt, points: p.points, amount: p.amount,
                reward: p.reward, purchaseTotal: p.purchaseTotal, cash: p.cash ?? false, at: try Self.time(p.at))))
        case "txn.return":
            let p = try request.parameters(ReturnParameters.self)
            try Self.checkReceipt(till: p.till, receipt: p.receipt, lines: p.lines, needLines: true)
            return Frame.success(id: request.id, try await database.returnLines(ReturnRequest(
                merchant: p.merchant, till: p.till, receipt: p.receipt, originalTill: p.original.till,
                originalReceipt: p.original.receipt, lines: p.lines, at: try Self.time(p.at))))
        case "account.history":
            let p = try request.parameters(HistoryParameters.self)
            return Frame.success(id: request.id, try await database.history(merchant: p.merchant, card: p.card, limit: p.limit ?? 50))
        case "program.rewards":
            let p = try request.parameters(MerchantParameters.self)
            return Frame.success(id: request.id, try await database.rewards(merchant: p.merchant))
        case "core.status":
            let merchants = try await database.merchants()
            return Frame.success(id: request.id, StatusAnswer(version: Self.version, merchants: merchants.map {
                StatusAnswer.MerchantSummary(code: $0.code, name: $0.name, currency: $0.currency.code, cardPrefix: $0.cardPrefix)
            }))
        default:
            throw LoyaltyError(.unknownOp, "The core has no op \"\(request.op.prefix(64))\"; see docs/protocol.md.")
        }
    }

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

/// What a gateway or `doctor` asks first: is the core there, and which card ranges it knows.
struct StatusAnswer: Encodable {
    struct MerchantSummary: Encodable {
        var code: String
        var name: String
        var currency: String
        /// Scans starting with this prefix are this merchant's cards.
        var cardPrefix: String?
    }

    var version: String
    var merchants: [MerchantSummary]
}
