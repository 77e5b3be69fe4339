import Foundation

/// Why a batch or a reprint cannot go ahead, in one sentence saying what to do instead.
public struct CardBatchError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
    public var errorDescription: String? { message }
}
