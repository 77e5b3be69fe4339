/// A printing failure in a sentence a shop person can act on; `detail` carries CUPS's own words.
public struct PrintingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case serverUnreachable
        case noSuchQueue
        case notAccepting
        case rejected
        case jobFailed
        case timedOut
        case unreadableDocument
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
