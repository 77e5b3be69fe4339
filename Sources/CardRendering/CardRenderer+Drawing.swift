import CCairo
import CardDesign
import Foundation

extension CardRenderer {
    /// Draws one side of one card; user space is points with the origin at the trim's top-left.
    func draw(_ side: CardDesign.Side, number: String, on cr: OpaquePointer?) throws(DesignError) {
        let pt = CardGeometry.points
        // The background covers the bleed too: a PDF page clips it at the trim, a preview shows it.
        let bleedBox = Box.trim.inset(by: -design.bleed)
        switch side.background {
        case .colour(let colour):
            cairo_set_source_rgb(cr, colour.red, colour.green, colour.blue)
            cairo_rectangle(cr, pt(bleedBox.x), pt(bleedBox.y), pt(bleedBox.width), pt(bleedBox.height))
            cairo_fill(cr)
        case .image(let file):
            drawImage(file, in: bleedBox, cover: true, on: cr)
        }
        for element in side.elements {
            switch element {
            case .logo(let logo):
                drawImage(logo.file, in: logo.box, cover: false, on: cr)
            case .text(let text):
                drawText(design.text(of: text, number: number, isNumber: false), style: text, on: cr)
            case .number(let text):
                drawText(design.text(of: text, number: number, isNumber: true), style: text, on: cr)
            case .barcode(let code):
                try drawBarcode(code, number: number, on: cr)
            }
        }
    }

    /// `cover`: fill the box and crop (backgrounds); otherwise fit inside, centred (logos).
    private func drawImage(_ file: String, in box: Box, cover: Bool, on cr: OpaquePointer?) {
        guard let image = images[file] else { return }
        let pt = CardGeometry.points
        let width = Double(cairo_image_surface_get_width(image)), height = Double(cairo_image_surface_get_height(image))
        let scaleX = pt(box.width) / width, scaleY = pt(box.height) / height
        let scale = cover ? max(scaleX, scaleY) : min(scaleX, scaleY)
        cairo_save(cr)
        cairo_rectangle(cr, pt(box.x), pt(box.y), pt(box.width), pt(box.height))
        cairo_clip(cr)
        cairo_translate(
            cr, pt(box.x) + (pt(box.width) - width * scale) / 2, pt(box.y) + (pt(box.height) - height * scale) / 2)
        cairo_scale(cr, scale, scale)
        cairo_set_source_surface(cr, image, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_BEST)
        cairo_paint(cr)
        cairo_restore(cr)
    }

    private func drawText(_ line: String, style: Element.Text, on cr: OpaquePointer?) {
        let pt = CardGeometry.points
        CardTextStyle(style).apply(to: cr)
        var font = cairo_font_extents_t()
        cairo_font_extents(cr, &font)
        var extents = cairo_text_extents_t()
        cairo_text_extents(cr, line, &extents)
        let x: Double
        switch style.align {
        case .left: x = pt(style.x)
        case .centre: x = pt(style.x) + (pt(style.width) - extents.x_advance) / 2
        case .right: x = pt(style.x + style.width) - extents.x_advance
        }
        cairo_move_to(cr, x, pt(style.y) + font.ascent)
        cairo_show_text(cr, line)
    }

    /// The quiet zone is painted the barcode's background first, then the bars in pure black,
    /// which card printer drivers send to the black resin (K) panel that scanners read best.
    private func drawBarcode(_ code: Element.Barcode, number: String, on cr: OpaquePointer?) throws(DesignError) {
        let pt = CardGeometry.points
        let layout = try BarcodeLayout(code)
        let vector = try BarcodeVector(code.symbology, data: number)
        cairo_set_source_rgb(cr, code.background.red, code.background.green, code.background.blue)
        cairo_rectangle(cr, pt(code.x), pt(code.y), pt(code.width), pt(code.height))
        cairo_fill(cr)
        let bounds = vector.bounds
        let scaleX = pt(layout.bars.width) / (bounds.maxX - bounds.minX)
        let scaleY = pt(layout.bars.height) / (bounds.maxY - bounds.minY)
        cairo_set_source_rgb(cr, 0, 0, 0)
        for bar in vector.bars {
            cairo_rectangle(
                cr, pt(layout.bars.x) + (bar.x - bounds.minX) * scaleX,
                pt(layout.bars.y) + (bar.y - bounds.minY) * scaleY,
                bar.width * scaleX, bar.height * scaleY)
        }
        cairo_fill(cr)
    }
}
