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
        encode(SuccessAnswer(id: id, result: result))
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
        id: nil, LoyaltyError(.frameTooLarge, "The request is longer than \(maximumLineLength) bytes; the connection is closed."))

    /// An event line (gateway to till): `{"event": name, ...fields}`.
    public static func event(_ name: String, _ fields: some Encodable) -> Data {
        encode(EventLine(event: name, fields: fields))
    }

    static func encode(_ value: some Encodable) -> Data {
        do {
            var data = try encoder.encode(value)
            data.append(UInt8(ascii: "\n"))
            return data
        } catch {
            // Only a bug in an answer type gets here; the till still gets a well-formed line.
            return Data(#"{"id":null,"ok":false,"error":{"code":"internal-error","message":"The answer could not be written."}}"#.utf8 + [UInt8(ascii: "\n")])
        }
    }
}

struct ErrorBody: Encodable {
    var code: String
    var message: String
}

private enum AnswerKeys: String, CodingKey { case id, ok, error, event }

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

private struct EventLine<Fields: Encodable>: Encodable {
    var event: String
    var fields: Fields

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnswerKeys.self)
        try container.encode(event, forKey: .event)
        try fields.encode(to: encoder)
    }
}
