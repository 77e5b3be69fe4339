/// One sentence naming the field at fault, for people fixing a program file or a till request.
extension DecodingError {
    public var explained: String {
        func path(_ context: DecodingError.Context, appending key: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            let text = keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "the top level" : "\"\(text)\""
        }
        switch self {
        case .keyNotFound(let key, let context):
            return "\(path(context, appending: key)) is missing."
        case .typeMismatch(let type, let context):
            let expected =
                type == String.self
                ? "a string"
                : type == Int64.self || type == Int.self
                    ? "an integer"
                    : type == Bool.self ? "true or false" : "of another type"
            return "\(path(context)) should be \(expected)."
        case .valueNotFound(_, let context):
            return "\(path(context)) must not be null."
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "it is not valid JSON." : "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "it could not be read."
        }
    }
}
