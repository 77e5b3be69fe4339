import Foundation

/// A failure of the gateway's own (the core link, start-up), in one sentence for the log.
public struct GatewayError: Error, CustomStringConvertible, LocalizedError {
    public let description: String
    public init(_ description: String) { self.description = description }
    public var errorDescription: String? { description }
}
