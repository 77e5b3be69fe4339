import Foundation
import ReceiptEncoding

/// Template + receipt document → ESC/POS bytes for one printer model: loads the logo (once),
/// asks libzint for a symbol matrix where the printer cannot draw the footer symbol, and runs the
/// encoder's renderer. One composer per configured printer; safe to share between tills.
public final class ReceiptComposer: Sendable {
    public let profile: PrinterProfile
    public let template: ReceiptTemplate?
    private let renderer: ReceiptRenderer
    private let logos: LogoCache

    public init(model: String, template: ReceiptTemplate? = nil, options: RenderOptions = RenderOptions()) throws(ReceiptsError) {
        do { profile = try PrinterProfile.named(model) } catch { throw .model(error) }
        self.template = template
        renderer = ReceiptRenderer(profile: profile, options: options)
        logos = LogoCache(width: profile.dotsPerLine, dithering: options.logoDithering)
    }

    /// Reads a receipt document (JSON, UTF-8). With a template, the template's name, address and
    /// logo are the receipt's head whatever the document says, and the document needs no header.
    public func document(json: Data) throws(ReceiptsError) -> ReceiptDocument {
        var data = json
        if let template {
            guard var object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
                throw ReceiptsError(.invalidReceipt, "The receipt cannot be read: it is not a JSON object in UTF-8.")
            }
            var header: [String: Any] = ["merchantName": template.merchantName, "addressLines": template.addressLines]
            if let logo = template.logo { header["logo"] = logo }
            object["header"] = header
            guard let merged = try? JSONSerialization.data(withJSONObject: object) else {
                throw ReceiptsError(.invalidReceipt, "The receipt cannot be read.")
            }
            data = merged
        }
        do { return try ReceiptDocument.decode(json: data) } catch { throw .receipt(error) }
    }

    /// The bytes for `document`. `logoPath` is the file behind `header.logo` (the caller decides
    /// where names point; nil prints no logo).
    public func render(_ document: ReceiptDocument, logoPath: String?) throws(ReceiptsError) -> [UInt8] {
        let logo = try logoPath.map { path throws(ReceiptsError) in try logos.bitmap(path: path) }
        let matrix = try SymbolMatrix.fallback(for: document.footer?.barcode, profile: profile)
        do { return try renderer.render(document, logoBitmap: logo, symbolMatrix: matrix) } catch { throw .receipt(error) }
    }
}
