import CCairo
import CardDesign
import Foundation

/// Draws a design's cards with cairo: PDF pages for the printer, PNG for previews.
///
/// Loading does every check that needs files or fonts (missing logo, a font without Cyrillic,
/// text wider than its box), so a batch fails before any card number is allocated.
public final class CardRenderer {
    public let design: CardDesign
    /// PNG files of the design, decoded once and shared by every page (cairo's PDF surface then
    /// embeds each image once per file, not once per card).
    var images: [String: OpaquePointer] = [:]

    public init(design: CardDesign, directory: URL) throws(DesignError) {
        try design.validate()
        self.design = design
        for (name, side) in design.sides {
            if case .image(let file) = side.background {
                try loadImage(file, role: "background image of the \(name)", directory: directory)
            }
            for case .logo(let logo) in side.elements { try loadImage(logo.file, role: "logo", directory: directory) }
        }
        try checkTexts()
        // Encoding a sample proves the symbology takes a 13-digit number before any is allocated.
        for (_, side) in design.sides {
            for case .barcode(let code) in side.elements {
                _ = try BarcodeVector(code.symbology, data: "2990001000018")
            }
        }
    }

    /// Reads a design file and its images; `path` names the JSON file.
    public convenience init(path: String) throws(DesignError) {
        let data = try DesignFiles.read(path, what: "design file", limit: DesignFiles.maximumDesignBytes)
        let design = try CardDesign.decode(Data(data))
        try self.init(design: design, directory: URL(fileURLWithPath: path).deletingLastPathComponent())
    }

    deinit {
        for surface in images.values { cairo_surface_destroy(surface) }
    }

    private func loadImage(_ file: String, role: String, directory: URL) throws(DesignError) {
        guard images[file] == nil else { return }
        let url = file.hasPrefix("/") ? URL(fileURLWithPath: file) : directory.appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw DesignError("The \(role) \(file) is missing: looked for \(url.path).")
        }
        let bytes = try DesignFiles.read(url.path, what: role, limit: DesignFiles.maximumImageBytes)
        guard let size = DesignFiles.pngSize(bytes) else {
            throw DesignError("The \(role) \(file) is not a PNG image cairo can read (not a PNG file); save it as PNG.")
        }
        let most = DesignFiles.maximumImagePixels
        guard size.width <= most, size.height <= most else {
            throw DesignError(
                "The \(role) \(file) is \(size.width) × \(size.height) pixels; at most \(most) × \(most) are taken: scale it down."
            )
        }
        guard let surface = DesignFiles.decodePNG(bytes) else {
            throw DesignError("The \(role) \(file) cannot be read.")
        }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            let reason = String(cString: cairo_status_to_string(cairo_surface_status(surface)))
            cairo_surface_destroy(surface)
            throw DesignError("The \(role) \(file) is not a PNG image cairo can read (\(reason)); save it as PNG.")
        }
        images[file] = surface
    }

    /// Every character has a glyph in its font, and every line fits its box.
    private func checkTexts() throws(DesignError) {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1)
        let cr = cairo_create(surface)
        defer {
            cairo_destroy(cr)
            cairo_surface_destroy(surface)
        }
        // The widest number a design must hold: every digit in DejaVu and most fonts is as wide as "8".
        let widest = "8888888888888"
        for (name, side) in design.sides {
            for element in side.elements {
                let (style, sample, what): (Element.Text, String, String)
                switch element {
                case .text(let text):
                    (style, sample, what) = (
                        text, design.text(of: text, number: widest, isNumber: false),
                        "text \"\(design.text(of: text, number: widest, isNumber: false))\""
                    )
                case .number(let text):
                    (style, sample, what) = (text, design.text(of: text, number: widest, isNumber: true), "card number")
                default: continue
                }
                CardTextStyle(style).apply(to: cr)
                if let missing = Self.missingGlyphs(cr, sample) {
                    throw DesignError(
                        "The font \"\(style.font)\" has no glyph for \(missing) in the \(what) on the \(name): choose a font that has them (fc-list :lang=bg lists fonts with Cyrillic)."
                    )
                }
                var extents = cairo_text_extents_t()
                cairo_text_extents(cr, sample, &extents)
                let widthMM = extents.x_advance / CardGeometry.pointsPerMM
                guard widthMM <= style.width + 0.01 else {
                    throw DesignError(
                        "The \(what) on the \(name) is \(String(format: "%.1f", widthMM)) mm wide at \(String(format: "%g", style.size)) pt, but its box is \(String(format: "%.1f", style.width)) mm: shorten it, widen the box or use a smaller size."
                    )
                }
            }
        }
    }

    /// The characters the current font draws as an empty box (glyph 0), if any.
    static func missingGlyphs(_ cr: OpaquePointer?, _ text: String) -> String? {
        let font = cairo_get_scaled_font(cr)
        var glyphs: UnsafeMutablePointer<cairo_glyph_t>?
        var count: Int32 = 0
        guard
            cairo_scaled_font_text_to_glyphs(font, 0, 0, text, -1, &glyphs, &count, nil, nil, nil)
                == CAIRO_STATUS_SUCCESS,
            let glyphs
        else { return "some characters" }
        defer { cairo_glyph_free(glyphs) }
        let characters = Array(text.unicodeScalars)
        guard Int(count) == characters.count else { return nil }
        let missing = (0..<Int(count)).filter { glyphs[$0].index == 0 && characters[$0] != " " }.map {
            String(characters[$0])
        }
        return missing.isEmpty ? nil : missing.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}
