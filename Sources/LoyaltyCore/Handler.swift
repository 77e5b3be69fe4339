import LoyalgateProtocol
import LoyaltyStore

/// One op's handler: decodes the op's parameters from the request line and answers with the
/// op's answer type, so a handler cannot drift from the contract's types.
struct Handler: Sendable {
    let name: String
    let role: Role
    let handle: @Sendable (HandlerContext, Request) async throws -> any Encodable

    init<Op: WireOperation>(
        _ op: Op.Type, _ body: @escaping @Sendable (HandlerContext, Op.Parameters) async throws -> Op.Answer
    ) {
        name = Op.name
        role = Op.role
        handle = { context, request in try await body(context, try request.parameters(of: Op.self)) }
    }
}

struct HandlerContext: Sendable {
    let store: any LedgerStore
    let grant: AccessPolicy.Grant
    /// The key of the cardholder page's tokens (cardholder.token, cardholder.view).
    let tokens: CardholderTokens
    /// Card batches and reprints, when the core was given a designs folder.
    var cardPrinting: (any CardPrintDesk)? = nil

    /// The merchant the op acts for: the caller's own if its role is bound to one (naming
    /// another is refused), else the op's `merchant`.
    func merchant(_ named: String?) throws(LoyaltyError) -> String? {
        guard let bound = grant.merchant else { return named }
        if let named, named != bound {
            throw LoyaltyError(.forbidden, "This caller acts for \(bound) and may not use \(named)'s data.")
        }
        return bound
    }

    /// A till transaction as the store takes it: receipt and lines checked, and acting for the
    /// merchant the caller may act for.
    func checked<Transaction: TillTransaction>(_ transaction: Transaction, needsLines: Bool) throws -> Transaction {
        var transaction = try transaction.checked(needsLines: needsLines)
        transaction.merchant = try merchant(transaction.merchant)
        return transaction
    }
}
