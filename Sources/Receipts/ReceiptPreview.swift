import CCairo
import GS1
import ReceiptEncoding

/// A PNG of what the printer would print, one image pixel per printer dot, so a developer sees a
/// receipt without a printer.
///
/// It draws the ESC/POS bytes, not the document: the bytes go through `ESCPOSInterpreter`, so
/// the preview shows the code page choices, transliterations, column fitting, raster bands and
/// fallbacks exactly as they were encoded. The printer's own fonts are imitated with DejaVu Sans
/// Mono scaled to the font's cell (12×24 dots for Font A on a 576-dot, 48-column head); barcodes
/// and QR codes the printer would draw itself are drawn from libzint's matrix (EAN-13 from the
/// encoder's own modules).
public struct ReceiptPreview {
    public let profile: PrinterProfile

    public init(profile: PrinterProfile) {
        self.profile = profile
    }

    /// Writes the preview of `bytes` to `path`.
    public func writePNG(bytes: [UInt8], to path: String) throws(ReceiptsError) {
        let printed: PrintedReceipt
        do { printed = try ESCPOSInterpreter(profile: profile).interpret(bytes) } catch {
            throw ReceiptsError(.invalidReceipt, "The printer would not print these bytes: \(error.description)")
        }
        let layout = try printed.elements.map { element throws(ReceiptsError) in try height(of: element) }
        let margin = 16.0
        let total = layout.reduce(0, +) + 2 * margin
        let surface = cairo_image_surface_create(
            CAIRO_FORMAT_RGB24, Int32(profile.dotsPerLine), Int32(total.rounded(.up)))
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)
        defer { cairo_destroy(cr) }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_set_source_rgb(cr, 0, 0, 0)
        var y = margin
        for (element, height) in zip(printed.elements, layout) {
            try draw(element, at: y, on: cr)
            y += height
        }
        cairo_surface_flush(surface)
        let status = cairo_surface_write_to_png(surface, path)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw ReceiptsError(
                .invalidReceipt, "Could not write \(path): \(String(cString: cairo_status_to_string(status))).")
        }
    }

    // MARK: - Measures in printer dots

    /// Width of one character cell at normal size.
    private func cellWidth(_ font: PrinterFont) -> Double { Double(profile.dotsPerLine) / Double(profile.fonts[font]) }
    /// Font A cells are twice as high as wide (12×24), Font B about 9×17.
    private func cellHeight(_ font: PrinterFont) -> Double { cellWidth(font) * (font == .a ? 2 : 17.0 / 9) }
    /// Default line spacing: the cell plus a sixth of it, as the printers' 1/6-inch default.
    private func lineHeight(_ style: TextStyle) -> Double {
        cellHeight(style.font) * Double(style.heightMultiplier) + cellHeight(.a) / 4
    }

    private func height(of element: PrintElement) throws(ReceiptsError) -> Double {
        switch element {
        case .text(let runs, _): return runs.map { lineHeight($0.style) }.max() ?? lineHeight(TextStyle())
        case .raster(let bitmap): return Double(bitmap.height)
        case .barcode(_, _, let height, _, let hri, _): return Double(height) + (hri ? lineHeight(TextStyle()) : 0) + 8
        case .qrCode(let data, let size, _): return Double(try SymbolMatrix.qrCode(data).count * size) + 8
        case .feed(let lines): return Double(lines) * lineHeight(TextStyle())
        case .cut: return 24
        case .drawerPulse: return lineHeight(TextStyle())
        }
    }

    // MARK: - Drawing

    private func draw(_ element: PrintElement, at y: Double, on cr: OpaquePointer?) throws(ReceiptsError) {
        switch element {
        case .text(let runs, let alignment):
            let line = lineHeight(runs.map(\.style).max { $0.heightMultiplier < $1.heightMultiplier } ?? TextStyle())
            let width = runs.reduce(0.0) {
                $0 + Double($1.text.unicodeScalars.count) * cellWidth($1.style.font) * Double($1.style.widthMultiplier)
            }
            var x = offset(width: width, alignment)
            for run in runs {
                let cell = cellWidth(run.style.font) * Double(run.style.widthMultiplier)
                let height = cellHeight(run.style.font) * Double(run.style.heightMultiplier)
                cairo_select_font_face(
                    cr, "DejaVu Sans Mono", CAIRO_FONT_SLANT_NORMAL,
                    run.style.bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
                // DejaVu Sans Mono advances 0.602 em; the em is stretched to fill the cell.
                var matrix = cairo_matrix_t()
                cairo_matrix_init_scale(&matrix, cell / 0.602, height * 0.82)
                cairo_set_font_matrix(cr, &matrix)
                let baseline = y + line - cellHeight(.a) / 4 - height * 0.2
                for scalar in run.text.unicodeScalars {
                    cairo_move_to(cr, x, baseline)
                    cairo_show_text(cr, String(scalar))
                    x += cell
                }
                if run.style.underline {
                    cairo_rectangle(
                        cr, x - cell * Double(run.text.unicodeScalars.count), baseline + 2,
                        cell * Double(run.text.unicodeScalars.count), 2)
                    cairo_fill(cr)
                }
            }
        case .raster(let bitmap):
            for row in 0..<bitmap.height {
                var x = 0
                while x < bitmap.width {
                    guard bitmap[x, row] else {
                        x += 1
                        continue
                    }
                    let start = x
                    while x < bitmap.width, bitmap[x, row] { x += 1 }
                    cairo_rectangle(cr, Double(start), y + Double(row), Double(x - start), 1)
                }
            }
            cairo_fill(cr)
        case .barcode(let symbology, let data, let height, let moduleWidth, let hri, let alignment):
            let modules: [Bool]
            var legend = data
            if symbology == "EAN-13" {
                var digits = data.compactMap { $0.wholeNumberValue }
                if digits.count == 12 { digits.append(GS1CheckDigit.checkDigit(forDigits: digits)) }
                modules = EAN13.modules(for: digits)
                legend = digits.map(String.init).joined()
            } else {
                modules = try SymbolMatrix.code128(data)
            }
            let x = offset(width: Double(modules.count * moduleWidth), alignment)
            for (index, bar) in modules.enumerated() where bar {
                cairo_rectangle(cr, x + Double(index * moduleWidth), y + 4, Double(moduleWidth), Double(height))
            }
            cairo_fill(cr)
            if hri {
                var style = TextStyle()
                style.font = .a
                try draw(
                    .text([TextRun(text: legend, style: style)], alignment: alignment), at: y + 4 + Double(height),
                    on: cr)
            }
        case .qrCode(let data, let size, let alignment):
            let matrix = try SymbolMatrix.qrCode(data)
            let x = offset(width: Double(matrix.count * size), alignment)
            for (row, modules) in matrix.enumerated() {
                for (column, dark) in modules.enumerated() where dark {
                    cairo_rectangle(
                        cr, x + Double(column * size), y + 4 + Double(row * size), Double(size), Double(size))
                }
            }
            cairo_fill(cr)
        case .feed:
            break
        case .cut(let partial):
            cairo_save(cr)
            cairo_set_source_rgb(cr, 0.6, 0.6, 0.6)
            var dashes = partial ? [6.0, 6.0] : [12.0, 0.0]
            cairo_set_dash(cr, &dashes, 2, 0)
            cairo_set_line_width(cr, 2)
            cairo_move_to(cr, 0, y + 12)
            cairo_line_to(cr, Double(profile.dotsPerLine), y + 12)
            cairo_stroke(cr)
            cairo_restore(cr)
        case .drawerPulse:
            cairo_save(cr)
            cairo_set_source_rgb(cr, 0.6, 0.6, 0.6)
            try draw(
                .text([TextRun(text: "[cash drawer pulse]", style: TextStyle())], alignment: .center), at: y, on: cr)
            cairo_restore(cr)
        }
    }

    private func offset(width: Double, _ alignment: Alignment) -> Double {
        switch alignment {
        case .left: 0
        case .center: max(0, (Double(profile.dotsPerLine) - width) / 2)
        case .right: max(0, Double(profile.dotsPerLine) - width)
        }
    }
}
