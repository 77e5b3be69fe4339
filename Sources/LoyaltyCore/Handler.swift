import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

/// One op's handler: decodes the op's parameters from the request line and answers with the
/// op's answer type, so a handler cannot drift from the contract's types.
struct Handler: Sendable {
    let name: String
    let role: Role
    /// Reads the op's parameters from the decoder that read the line's `id` and `op`, so a
    /// request line is parsed once (`ParsedLine`).
    let parameters: @Sendable (any Decoder) throws -> any Sendable
    /// Answers with parameters read by `parameters`, or (nil) read from the request's line.
    let handle: @Sendable (HandlerContext, Request, (any Sendable)?) async throws -> any Encodable

    init<Op: WireOperation>(
        _ op: Op.Type, _ body: @escaping @Sendable (HandlerContext, Op.Parameters) async throws -> Op.Answer
    ) {
        name = Op.name
        role = Op.role
        parameters = { decoder in try Op.Parameters(from: decoder) }
        handle = { context, request, read in
            let parameters: Op.Parameters
            if let read = read as? Op.Parameters {
                parameters = read
            } else {
                parameters = try request.parameters(of: Op.self)
            }
            return try await body(context, parameters)
        }
    }
}

/// A request line read in one pass: the envelope, and the parameters of the op it names. A
/// line whose parameters do not fit keeps the refusal, given only where the two-step reading
/// (`Request.parameters`) gave it: after the op, the caller and its role were checked.
struct ParsedLine: Decodable {
    let id: RequestID?
    let op: String?
    let parameters: Result<any Sendable, LoyaltyError>?

    private enum Keys: String, CodingKey { case id, op }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        id = try container.decodeIfPresent(RequestID.self, forKey: .id)
        op = try container.decodeIfPresent(String.self, forKey: .op)
        guard let op, let handler = CoreService.handlers[op] else {
            parameters = nil
            return
        }
        do {
            parameters = .success(try handler.parameters(decoder))
        } catch let error as DecodingError {
            parameters = .failure(LoyaltyError(.badRequest, "\(op): \(error.explained)"))
        } catch {
            parameters = .failure(LoyaltyError(.badRequest, "\(op): the parameters could not be read."))
        }
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
