import CCairo
import CardDesign
import Foundation

extension CardRenderer {
    /// Pages per card in a PDF: 1, or 2 when the design has a back.
    public var pagesPerCard: Int { design.back == nil ? 1 : 2 }

    /// One PDF with a page of exactly ID-1 size per card side, in the order duplex card printers
    /// take them: card 1 front, card 1 back, card 2 front, …
    public func renderPDF(numbers: [String], to path: String) throws(DesignError) {
        let surface = cairo_pdf_surface_create(path, CardGeometry.widthPoints, CardGeometry.heightPoints)
        defer { cairo_surface_destroy(surface) }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "loyalgate")
        let cr = cairo_create(surface)
        for number in numbers {
            for (_, side) in design.sides {
                try draw(side, number: number, on: cr)
                cairo_show_page(cr)
            }
        }
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        try check(cairo_surface_status(surface), writing: path)
    }

    /// A preview for the designer: each side at `dpi`, front above back, with the bleed shown
    /// beyond a thin red trim line and the safe area dashed in blue.
    public func renderPreviewPNG(number: String, dpi: Double = 300, guides: Bool = true, to path: String)
        throws(DesignError)
    {
        let pt = CardGeometry.points
        let scale = dpi / 72
        let margin = guides ? pt(design.bleed) : 0
        let sideWidth = CardGeometry.widthPoints + 2 * margin, sideHeight = CardGeometry.heightPoints + 2 * margin
        let gap = pt(4)
        let sides = design.sides
        let height = sideHeight * Double(sides.count) + gap * Double(sides.count - 1)
        let surface = cairo_image_surface_create(
            CAIRO_FORMAT_RGB24, Int32((sideWidth * scale).rounded(.up)), Int32((height * scale).rounded(.up)))
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)
        defer { cairo_destroy(cr) }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_scale(cr, scale, scale)
        for (index, (_, side)) in sides.enumerated() {
            cairo_save(cr)
            cairo_translate(cr, margin, margin + Double(index) * (sideHeight + gap))
            if !guides {
                cairo_rectangle(cr, 0, 0, CardGeometry.widthPoints, CardGeometry.heightPoints)
                cairo_clip(cr)
            }
            try draw(side, number: number, on: cr)
            if guides { drawGuides(on: cr) }
            cairo_restore(cr)
        }
        cairo_surface_flush(surface)
        try check(cairo_surface_write_to_png(surface, path), writing: path)
    }

    private func drawGuides(on cr: OpaquePointer?) {
        let pt = CardGeometry.points
        cairo_set_line_width(cr, 0.5)
        cairo_set_source_rgb(cr, 0.85, 0, 0)
        cairo_rectangle(cr, 0, 0, CardGeometry.widthPoints, CardGeometry.heightPoints)
        cairo_stroke(cr)
        let safe = Box.trim.inset(by: design.safeMargin)
        var dashes = [2.0, 2.0]
        cairo_set_dash(cr, &dashes, 2, 0)
        cairo_set_source_rgb(cr, 0, 0.4, 0.9)
        cairo_rectangle(cr, pt(safe.x), pt(safe.y), pt(safe.width), pt(safe.height))
        cairo_stroke(cr)
        cairo_set_dash(cr, nil, 0, 0)
    }

    private func check(_ status: cairo_status_t, writing path: String) throws(DesignError) {
        guard status == CAIRO_STATUS_SUCCESS else {
            throw DesignError("Could not write \(path): \(String(cString: cairo_status_to_string(status))).")
        }
    }
}
