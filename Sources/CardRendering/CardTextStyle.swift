import CCairo
import CardDesign

/// A text element's font, size and colour set on a cairo context.
///
/// cairo's "toy" font API is enough here: it finds the family through fontconfig and draws
/// Latin and Cyrillic with DejaVu; cards need no shaping (Arabic, Indic) that would call for
/// pango. A font without the glyphs is caught by `CardRenderer.missingGlyphs`, not printed as boxes.
struct CardTextStyle {
    var font: String
    var bold: Bool
    var sizePoints: Double
    var colour: Colour

    init(_ text: Element.Text) {
        font = text.font
        bold = text.bold
        sizePoints = text.size
        colour = text.colour
    }

    func apply(to cr: OpaquePointer?) {
        cairo_select_font_face(
            cr, font, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, sizePoints)
        cairo_set_source_rgb(cr, colour.red, colour.green, colour.blue)
    }
}
