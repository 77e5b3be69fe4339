/// `{code, message}`: the error of a failed answer, and of a scan the core could not look up.
public struct ErrorBody: Sendable, Codable, Equatable, Hashable {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public init(_ error: LoyaltyError) {
        self.init(code: error.code.rawValue, message: error.message)
    }
}
