import Foundation

/// One document to print: what a card batch chunk or a receipt hands to `PrintConnection.submit`.
public struct PrintDocument: Sendable {
    public enum Content: Sendable {
        case file(String)
        case bytes([UInt8])
    }

    public var content: Content
    /// MIME type: `application/pdf` for a driver queue, `application/vnd.cups-raw` for bytes the
    /// printer understands as they are (ESC/POS receipts).
    public var format: String
    /// Shown in `lpstat` and on the printer's panel; also how an interrupted run finds its job again.
    public var title: String
    /// CUPS job options, e.g. `media`, `orientation-requested` or a driver's own (`lpoptions -l`).
    public var options: [String: String]

    public init(_ content: Content, format: String, title: String, options: [String: String] = [:]) {
        self.content = content
        self.format = format
        self.title = title
        self.options = options
    }

    public static let pdf = "application/pdf"
    public static let raw = "application/vnd.cups-raw"
}
