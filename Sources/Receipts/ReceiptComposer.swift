import Foundation
import ReceiptEncoding

/// Template (a `ReceiptHeader`) + receipt document → ESC/POS bytes for one printer model: loads the logo (once),
/// asks libzint for a symbol matrix where the printer cannot draw the footer symbol, and runs the
/// encoder's renderer. One composer per configured printer; safe to share between tills.
public final class ReceiptComposer: Sendable {
    public let profile: PrinterProfile
    /// The merchant's head for every receipt on this printer, whatever the document says.
    public let template: ReceiptHeader?
    private let renderer: ReceiptRenderer
    private let logos: LogoCache

    public init(model: String, template: ReceiptHeader? = nil, options: RenderOptions = RenderOptions())
        throws(ReceiptsError)
    {
        do { profile = try PrinterProfile.named(model) } catch { throw .model(error) }
        self.template = template
        renderer = ReceiptRenderer(profile: profile, options: options)
        logos = LogoCache(width: profile.dotsPerLine, dithering: options.logoDithering)
    }

    /// Reads a receipt document (JSON, UTF-8) and prepares it (`prepared(_:)`).
    public func document(json: Data) throws(ReceiptsError) -> ReceiptDocument {
        do { return try prepared(ReceiptDocument.decode(json: json, validate: false)) } catch { throw .receipt(error) }
    }

    /// The document as it prints: with a template, the template's name, address and logo are
    /// the receipt's head whatever the document says (it needs no header); then validated.
    public func prepared(_ document: ReceiptDocument) throws(ReceiptError) -> ReceiptDocument {
        var document = document
        if let template { document.header = template }
        try document.validate()
        return document
    }

    /// A drawer kick alone (`ESC @`, then `ESC p` on pin 2): for a "no sale".
    public func drawerPulse() throws(ReceiptsError) -> [UInt8] {
        var encoder = ESCPOSEncoder(profile: profile)
        encoder.initialize()
        do { try encoder.openDrawer() } catch { throw .receipt(error) }
        return encoder.bytes
    }

    /// The bytes for `document`. `logoPath` is the file behind `header.logo` (the caller decides
    /// where names point; nil prints no logo).
    public func render(_ document: ReceiptDocument, logoPath: String?) throws(ReceiptsError) -> [UInt8] {
        let logo = try logoPath.map { path throws(ReceiptsError) in try logos.bitmap(path: path) }
        let matrix = try SymbolMatrix.fallback(for: document.footer?.barcode, profile: profile)
        do { return try renderer.render(document, logoBitmap: logo, symbolMatrix: matrix) } catch {
            throw .receipt(error)
        }
    }
}
