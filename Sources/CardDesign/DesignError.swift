/// A design file that cannot be printed, said so that the shop's designer can fix it.
public struct DesignError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }

    /// JSONDecoder's errors name Swift types; this names the place in the file instead.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty
                ? "the design"
                : keys.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
                    .trimmingPrefix(".").description
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "The design file misses \"\(key.stringValue)\" in \(path(context.codingPath))."
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "The design file has a wrong value at \(path(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "The design file is not valid JSON: \(context.underlyingError.map { "\($0)" } ?? context.debugDescription)"
                : "The design file has a wrong value at \(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "The design file cannot be read: \(error)."
        }
    }
}
