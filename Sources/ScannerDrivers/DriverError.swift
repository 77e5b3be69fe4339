import Foundation

/// A scanner node that cannot be opened or read, in one sentence for the log and doctor.
public struct DriverError: Error, CustomStringConvertible, LocalizedError {
    public let description: String
    public init(_ description: String) { self.description = description }
    public var errorDescription: String? { description }
}

/// The errno text, for log lines and error sentences.
func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
