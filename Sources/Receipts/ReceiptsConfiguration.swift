import Foundation
import ReceiptEncoding

/// The receipt side of the gateway's configuration: printers and merchant templates.
public struct ReceiptsConfiguration: Sendable, Hashable, Codable {
    public var printers: [ReceiptPrinterSettings]
    /// A merchant's fixed receipt head by name (a printer's `template`): name, address and
    /// logo, the same on every till, so a till never has to send the logo.
    public var templates: [String: ReceiptHeader]
    /// A job that makes no progress while CUPS or the printer reports a problem (offline, paper
    /// out, cannot connect) for this long is cancelled and reported `failed`: a cashier needs an
    /// answer while the customer waits, and a receipt that prints an hour later helps nobody.
    public var failAfterSeconds: Double
    /// How often the gateway asks USB printers for their own status (0: never).
    public var statusIntervalSeconds: Double
    /// The cardholder pages' address (`https://kaart.example.nl`, `loyalgate web`'s public
    /// URL): when set, a receipt printed for a card carries a QR code of `URL/c/TOKEN`, a token
    /// the core signs for that card (docs/cardholder.md), unless the till sent a footer symbol
    /// of its own. Nil: no QR code.
    public var cardholderURL: String?

    public init(
        printers: [ReceiptPrinterSettings] = [], templates: [String: ReceiptHeader] = [:],
        failAfterSeconds: Double = 20, statusIntervalSeconds: Double = 30, cardholderURL: String? = nil
    ) {
        self.cardholderURL = cardholderURL
        self.printers = printers
        self.templates = templates
        self.failAfterSeconds = failAfterSeconds
        self.statusIntervalSeconds = statusIntervalSeconds
    }

    private enum CodingKeys: String, CodingKey {
        case printers, templates, failAfterSeconds, statusIntervalSeconds, cardholderURL
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        printers = try container.decodeIfPresent([ReceiptPrinterSettings].self, forKey: .printers) ?? []
        templates = try container.decodeIfPresent([String: ReceiptHeader].self, forKey: .templates) ?? [:]
        failAfterSeconds = try container.decodeIfPresent(Double.self, forKey: .failAfterSeconds) ?? 20
        statusIntervalSeconds = try container.decodeIfPresent(Double.self, forKey: .statusIntervalSeconds) ?? 30
        cardholderURL = try container.decodeIfPresent(String.self, forKey: .cardholderURL)
    }

    /// Relative logo paths are taken relative to `directory` (the configuration file's folder).
    public func resolvingLogos(relativeTo directory: String) -> ReceiptsConfiguration {
        var copy = self
        for (name, template) in templates {
            guard let logo = template.logo, !logo.hasPrefix("/") else { continue }
            copy.templates[name]?.logo = URL(fileURLWithPath: directory).appendingPathComponent(logo).path
        }
        return copy
    }

    /// Errors a technician fixes before the gateway starts: duplicate ids, unknown templates,
    /// bad cut modes. Printer models and logos are checked per printer when first used, so one
    /// bad printer does not stop the others (or the scanners).
    public func validate() throws(ReceiptsError) {
        var seen = Set<String>()
        for printer in printers {
            guard seen.insert(printer.id).inserted else {
                throw ReceiptsError(.invalidConfiguration, "The receipt printer id \"\(printer.id)\" is used twice.")
            }
            if let template = printer.template, templates[template] == nil {
                throw ReceiptsError(
                    .invalidConfiguration,
                    "Receipt printer \"\(printer.id)\" names the template \"\(template)\", which is not in \"templates\"."
                )
            }
            if let cut = printer.cut, cut != "partial", cut != "full" {
                throw ReceiptsError(
                    .invalidConfiguration,
                    "Receipt printer \"\(printer.id)\": cut is \"partial\" or \"full\", not \"\(cut)\".")
            }
        }
        guard failAfterSeconds > 0 else {
            throw ReceiptsError(.invalidConfiguration, "failAfterSeconds must be positive.")
        }
    }
}
