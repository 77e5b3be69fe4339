import Foundation
import LoyaltyDomain
import ReceiptEncoding

// The gateway's receipt ops and events on the till socket (docs/receipts.md): what a till sends
// and what it gets back, field for field.

/// `receipt.print`: print `receipt` on the configured printer `printer`. `key` makes a retry
/// safe (the same key is never printed twice while its job is queued, printing or completed).
public struct ReceiptPrintRequest: Sendable, Hashable, Codable {
    public var printer: String
    public var key: String?
    /// Decoded once, straight from the request line; not yet validated, because the printer's
    /// template may still supply the header.
    public var receipt: ReceiptDocument
    /// The customer's card (typed with spaces or dashes as printed, or scanned): the gateway
    /// fetches its balances from the core when the receipt is printed and prints the loyalty
    /// block itself (Belgian regulation, article 11: a balance on every receipt).
    public var card: String?

    public init(printer: String, key: String? = nil, receipt: ReceiptDocument, card: String? = nil) {
        self.printer = printer
        self.key = key
        self.receipt = receipt
        self.card = card
    }

    private enum CodingKeys: String, CodingKey { case printer, key, receipt, card }

    /// A bad `printer` or `key`, or no `receipt` at all, is a `DecodingError`; a receipt that is
    /// there but wrong throws its `ReceiptError`, naming the field from the receipt down.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        printer = try container.decode(String.self, forKey: .printer)
        key = try container.decodeIfPresent(String.self, forKey: .key)
        card = try container.decodeIfPresent(String.self, forKey: .card)
        guard container.contains(.receipt) else {
            throw DecodingError.keyNotFound(
                CodingKeys.receipt, .init(codingPath: container.codingPath, debugDescription: "No receipt."))
        }
        receipt = try ReceiptDocument.decode(from: container.superDecoder(forKey: .receipt))
    }

    /// Why a request line is not a `receipt.print` that can be printed.
    public enum ReadError: Error, Sendable, Equatable {
        /// The op's parameters are wrong (`bad-request`): one sentence naming the field.
        case badParameters(String)
        /// The receipt document is wrong (`invalid-receipt`).
        case invalidReceipt(ReceiptError)
    }

    /// Reads the request from its line (envelope fields are ignored). The one decode of the
    /// receipt document in the print path.
    public static func read(line: Data, op: String = "receipt.print") throws(ReadError) -> ReceiptPrintRequest {
        // A line that is not UTF-8 is a bad request, as for any op, not a bad receipt (the JSON
        // decoder would only notice inside the receipt's strings).
        guard String(validating: line, as: UTF8.self) != nil else {
            throw .badParameters("\(op): the request is not valid UTF-8.")
        }
        do {
            return try JSONDecoder().decode(ReceiptPrintRequest.self, from: line)
        } catch let error as ReceiptError {
            throw .invalidReceipt(error)
        } catch let error as DecodingError {
            throw .badParameters("\(op): \(error.explained)")
        } catch {
            throw .badParameters("\(op): the parameters could not be read.")
        }
    }
}

/// The answer to `receipt.print`, written before the job's first `print.job` event.
public struct ReceiptPrintAnswer: Sendable, Hashable, Codable {
    /// The gateway's job id: the same for every attempt of one key.
    public var job: String
    /// True when the key's job already existed and nothing new was sent to the printer.
    public var replayed: Bool

    public init(job: String, replayed: Bool) {
        self.job = job
        self.replayed = replayed
    }
}

/// `printer.status`: the named printer's own status over USB.
public struct PrinterStatusRequest: Sendable, Hashable, Codable {
    public var printer: String

    public init(printer: String) { self.printer = printer }
}

/// The `print.job` event: where a receipt is.
public struct PrintJobUpdate: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        case queued, printing, completed, failed
    }

    /// The gateway's job id (the same for every attempt of one idempotency key).
    public var job: String
    public var printer: String
    public var state: State
    /// 1 for the first attempt, 2 after a till retried a failed job, ...
    public var attempt: Int
    /// Why it failed, in a sentence for the cashier.
    public var reason: String?
    /// For a receipt printed with a `card`: whether the card's balances were fetched from the
    /// core (`fetched`) or the receipt prints without them (`unavailable`); absent otherwise.
    public var balance: Balance?

    public enum Balance: String, Sendable, Hashable, Codable {
        case fetched, unavailable
    }

    public init(
        job: String, printer: String, state: State, attempt: Int, reason: String? = nil, balance: Balance? = nil
    ) {
        self.job = job
        self.printer = printer
        self.state = state
        self.attempt = attempt
        self.reason = reason
        self.balance = balance
    }
}

/// The `printer.status` event (sent when a USB printer's status changes) and the answer to the
/// `printer.status` op.
public struct PrinterStatusUpdate: Sendable, Hashable, Codable {
    public var printer: String
    public var online: Bool
    public var coverOpen: Bool
    public var paperNearEnd: Bool
    public var paperOut: Bool
    public var drawerOpen: Bool
    public var error: Bool
    /// What needs a person, in words (empty when all is well).
    public var problems: [String]

    public init(
        printer: String, online: Bool, coverOpen: Bool, paperNearEnd: Bool, paperOut: Bool, drawerOpen: Bool,
        error: Bool, problems: [String]
    ) {
        self.printer = printer
        self.online = online
        self.coverOpen = coverOpen
        self.paperNearEnd = paperNearEnd
        self.paperOut = paperOut
        self.drawerOpen = drawerOpen
        self.error = error
        self.problems = problems
    }
}
