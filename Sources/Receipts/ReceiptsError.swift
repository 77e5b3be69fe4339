import Printing
import ReceiptEncoding

/// Why a receipt was not printed, with the protocol error code a till gets and one sentence
/// for a person. The codes are documented in docs/receipts.md.
public struct ReceiptsError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The request's own parameters are wrong (`printer` missing, `key` not a string, ...).
        case badRequest = "bad-request"
        /// The document is not a valid receipt (bad JSON, invalid UTF-8, too many lines, bad amounts).
        case invalidReceipt = "invalid-receipt"
        /// The printer model is not in the profile catalog.
        case unknownPrinterModel = "unknown-printer-model"
        /// The `printer` named in the request is not configured.
        case unknownPrinter = "unknown-printer"
        /// The template's logo cannot be used (missing, not a PNG).
        case invalidLogo = "invalid-logo"
        /// CUPS did not take the job (no such queue, not accepting, not running).
        case printerUnavailable = "printer-unavailable"
        /// A configuration file is unusable.
        case invalidConfiguration = "invalid-configuration"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static func receipt(_ error: ReceiptError) -> ReceiptsError {
        ReceiptsError(.invalidReceipt, error.description)
    }

    static func model(_ error: PrinterProfileError) -> ReceiptsError {
        ReceiptsError(.unknownPrinterModel, String(describing: error))
    }
}
