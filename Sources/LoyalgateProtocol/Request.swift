import Foundation
import LoyaltyDomain

/// One request line, read in two steps: first what every request has (`id`, `op`), so that even
/// a request with bad parameters is answered with its own id; then the op's parameters.
public struct Request: Sendable {
    public let id: RequestID?
    public let op: String
    let line: Data

    /// A request whose envelope was read already (the core reads envelope and parameters in one
    /// pass, `CoreService.answer(line:)`); `line` is kept for the log's fields.
    public init(id: RequestID?, op: String, line: Data) {
        self.id = id
        self.op = op
        self.line = line
    }

    private struct Envelope: Decodable {
        var id: RequestID?
        var op: String?
    }

    /// Reads the envelope. A line that is not a JSON object, or has no `op`, is a `bad-request`
    /// whose answer carries whatever id could be read (or null).
    public static func parse(_ line: Data) -> Result<Request, RequestFailure> {
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: line)
        } catch {
            let id = (try? JSONDecoder().decode(IDOnly.self, from: line))?.id
            return .failure(
                RequestFailure(
                    id: id,
                    error: LoyaltyError(.badRequest, "The request is not a JSON object with an \"id\" and an \"op\".")))
        }
        guard let op = envelope.op, !op.isEmpty else {
            return .failure(
                RequestFailure(id: envelope.id, error: LoyaltyError(.badRequest, "The request has no \"op\".")))
        }
        return .success(Request(id: envelope.id, op: op, line: line))
    }

    private struct IDOnly: Decodable { var id: RequestID? }

    /// The parameters of `op`, read from the same line.
    public func parameters<Op: WireOperation>(of op: Op.Type) throws(LoyaltyError) -> Op.Parameters {
        try parameters(Op.Parameters.self)
    }

    /// Decodes the op's parameters from the same line; a missing or mistyped field becomes a
    /// `bad-request` naming the field.
    public func parameters<P: Decodable>(_ type: P.Type) throws(LoyaltyError) -> P {
        do {
            return try JSONDecoder().decode(P.self, from: line)
        } catch let error as DecodingError {
            throw LoyaltyError(.badRequest, "\(op): \(error.explained)")
        } catch {
            throw LoyaltyError(.badRequest, "\(op): the parameters could not be read.")
        }
    }
}

public struct RequestFailure: Error, Sendable {
    public let id: RequestID?
    public let error: LoyaltyError
}
