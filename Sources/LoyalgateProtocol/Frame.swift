import Foundation
import LoyaltyDomain

/// The JSON Lines framing shared by core and gateway: limits, and how answers are written.
public enum Frame {
    /// The contract's limit on one line, newline excluded.
    public static let maximumLineLength = 65_536

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `{"id": ..., "ok": true, ...result}` followed by a newline.
    public static func success(id: RequestID?, _ result: some Encodable) -> Data {
        if let answer = result as? TxnAnswer, let line = success(id: id, stored: answer) {
            return line
        }
        return encode(SuccessAnswer(id: id, result: result))
    }

    /// A till transaction's answer from the JSON the store already wrote for replays: the same
    /// fields, `id`, `ok` and `programEnds` put in front, instead of a second encoding of it.
    static func success(id: RequestID?, stored answer: TxnAnswer) -> Data? {
        guard let json = answer.storedJSON, json.count > 2 else { return nil }
        var line = Data()
        line.reserveCapacity(json.count + 64)
        line.append(contentsOf: #"{"id":"#.utf8)
        switch id {
        case .none: line.append(contentsOf: "null".utf8)
        case .number(let number): line.append(contentsOf: String(number).utf8)
        case .text:
            guard let encoded = try? encoder.encode(id) else { return nil }
            line.append(encoded)
        }
        line.append(contentsOf: #","ok":true,"#.utf8)
        if let ends = answer.programEnds {
            guard let encoded = try? encoder.encode(ends) else { return nil }
            line.append(contentsOf: #""programEnds":"#.utf8)
            line.append(encoded)
            line.append(UInt8(ascii: ","))
        }
        line.append(json.dropFirst())
        line.append(UInt8(ascii: "\n"))
        return line
    }

    /// `{"id": ..., "ok": false, "error": {"code", "message"}}` followed by a newline.
    public static func failure(id: RequestID?, _ error: LoyaltyError) -> Data {
        encode(FailureAnswer(id: id, error: ErrorBody(code: error.code.rawValue, message: error.message)))
    }

    /// A failure with a code that is not one of the core's `LoyaltyError` codes (the gateway's
    /// own, documented in docs/gateway.md), in the same shape.
    public static func failure(id: RequestID?, code: String, message: String) -> Data {
        encode(FailureAnswer(id: id, error: ErrorBody(code: code, message: message)))
    }

    /// The answer to a line over the limit, sent just before the connection is closed.
    public static let tooLarge = failure(
        id: nil,
        LoyaltyError(.frameTooLarge, "The request is longer than \(maximumLineLength) bytes; the connection is closed.")
    )

    /// The answer to a connection over the per-caller limit, sent just before it is closed.
    public static func tooManyConnections(limit: Int) -> Data {
        failure(
            id: nil,
            LoyaltyError(
                .tooManyConnections,
                "This program already holds \(limit) connections to the socket; close one (or reuse it) and try again.")
        )
    }

    /// An event line (gateway to till): `{"event": name, "seq", "cursor", ...fields}`.
    public static func event(_ line: EventLine) -> Data {
        encode(line)
    }

    /// A request line: `{"id": ..., "op": name, ...parameters}` followed by a newline.
    public static func request<Op: WireOperation>(_ op: Op.Type, id: RequestID?, _ parameters: Op.Parameters) -> Data {
        encode(RequestLine(id: id, op: Op.name, parameters: parameters))
    }

    /// Reads an answer line: the op's answer when `ok` is true, the error it carries otherwise.
    /// A line that is neither is an `internal-error` naming what was wrong.
    public static func answer<Answer: Decodable>(_ type: Answer.Type, from line: Data) -> (
        id: RequestID?, result: Result<Answer, LoyaltyError>
    ) {
        let decoder = JSONDecoder()
        guard let head = try? decoder.decode(AnswerHead.self, from: line) else {
            return (
                nil,
                .failure(
                    LoyaltyError(
                        .internalError,
                        "The answer is not a JSON object with \"ok\": \(String(decoding: line.prefix(200), as: UTF8.self))"
                    ))
            )
        }
        if !head.ok {
            let body =
                head.error
                ?? ErrorBody(code: LoyaltyError.Code.internalError.rawValue, message: "The answer gave no reason.")
            let code = LoyaltyError.Code(rawValue: body.code) ?? .internalError
            return (
                head.id,
                .failure(
                    LoyaltyError(code, code.rawValue == body.code ? body.message : "\(body.code): \(body.message)"))
            )
        }
        do {
            return (head.id, .success(try decoder.decode(Answer.self, from: line)))
        } catch let error as DecodingError {
            return (
                head.id,
                .failure(
                    LoyaltyError(.internalError, "The answer does not have the contract's shape: \(error.explained)"))
            )
        } catch {
            return (head.id, .failure(LoyaltyError(.internalError, "The answer could not be read.")))
        }
    }

    static func encode(_ value: some Encodable) -> Data {
        do {
            var data = try encoder.encode(value)
            data.append(UInt8(ascii: "\n"))
            return data
        } catch {
            // Only a bug in an answer type gets here; the till still gets a well-formed line.
            return Data(
                #"{"id":null,"ok":false,"error":{"code":"internal-error","message":"The answer could not be written."}}"#
                    .utf8 + [UInt8(ascii: "\n")])
        }
    }
}

private enum AnswerKeys: String, CodingKey { case id, ok, error, op }

private struct AnswerHead: Decodable {
    var id: RequestID?
    var ok: Bool
    var error: ErrorBody?
}

private struct RequestLine<Parameters: Encodable>: Encodable {
    var id: RequestID?
    var op: String
    var parameters: Parameters

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnswerKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encode(op, forKey: .op)
        // The parameters go into the same object, beside id and op.
        try parameters.encode(to: encoder)
    }
}

private struct SuccessAnswer<Result: Encodable>: Encodable {
    var id: RequestID?
    var result: Result

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnswerKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(true, forKey: .ok)
        // The result's fields go into the same object, beside id and ok.
        try result.encode(to: encoder)
    }
}

private struct FailureAnswer: Encodable {
    var id: RequestID?
    var error: ErrorBody

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnswerKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(false, forKey: .ok)
        try container.encode(error, forKey: .error)
    }
}
