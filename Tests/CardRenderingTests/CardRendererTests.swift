import CCairo
import CardDesign
import Foundation
import Testing

@testable import CardRendering

/// The renderer's own checks: what libzint encodes and what a design's files and fonts allow.
/// Scanning the printed cards is done on real batches in IntegrationTests/CardBatchTests.
@Suite struct CardRendererTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/cards")

    @Test(arguments: CardBarcodeKind.allCases)
    func libzintEncodesACardNumberInTheModulesTheFitCheckAssumes(symbology: CardBarcodeKind) throws {
        let vector = try BarcodeVector(symbology, data: "2990001000018")
        #expect(vector.modules == symbology.modules)
        #expect(!vector.bars.isEmpty)
    }

    @Test func aMissingLogoIsNamedWithWhereItWasLookedFor() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lg-design-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let design = try design(
            #"{"type": "logo", "file": "shop-logo.png", "x": 4, "y": 4, "width": 14, "height": 14}"#)
        #expect(throws: DesignError("The logo shop-logo.png is missing: looked for \(folder.path)/shop-logo.png.")) {
            try CardRenderer(design: design, directory: folder)
        }
    }

    @Test func aLogoThatIsNotAPNGIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lg-design-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("GIF89a not really".utf8).write(to: folder.appendingPathComponent("logo.gif"))
        let design = try design(#"{"type": "logo", "file": "logo.gif", "x": 4, "y": 4, "width": 14, "height": 14}"#)
        let error = #expect(throws: DesignError.self) { try CardRenderer(design: design, directory: folder) }
        #expect(error?.message.hasPrefix("The logo logo.gif is not a PNG image cairo can read") == true)
    }

    @Test func textTheFontCannotDrawIsRefusedInsteadOfPrintedAsBoxes() throws {
        let design = try design(#"{"type": "text", "text": "会员卡", "x": 4, "y": 4, "width": 60, "size": 10}"#)
        let error = #expect(throws: DesignError.self) { try CardRenderer(design: design, directory: Self.examples) }
        #expect(error?.message.hasPrefix(#"The font "DejaVu Sans" has no glyph for "会", "员", "卡""#) == true)
    }

    /// The shop's Cyrillic name is drawn, and drawn as letters: "Ж" has far more ink than "І"
    /// (one stem), where missing glyphs would be drawn as nothing or as identical boxes.
    @Test func cyrillicTextIsDrawnWithRealGlyphs() throws {
        let shop = try textInk(
            #"{"type": "text", "text": "{shop}", "x": 4, "y": 4, "width": 78, "size": 12, "bold": true}"#)
        let heavy = try textInk(
            #"{"type": "text", "text": "ЖЖЖЖЖЖ", "x": 4, "y": 4, "width": 78, "size": 12, "bold": true}"#)
        let thin = try textInk(
            #"{"type": "text", "text": "ІІІІІІ", "x": 4, "y": 4, "width": 78, "size": 12, "bold": true}"#)
        #expect(shop > 1000, "Кооперация Пловдив left \(shop) dark pixels in its box")
        #expect(thin > 100, "ІІІІІІ left \(thin) dark pixels in its box")
        #expect(Double(heavy) > 2 * Double(thin), "ЖЖЖЖЖЖ: \(heavy) dark pixels, ІІІІІІ: \(thin)")
    }

    @Test func aLineWiderThanItsBoxIsRefusedWithItsWidth() throws {
        let design = try design(#"{"type": "text", "text": "{shop}", "x": 4, "y": 4, "width": 30, "size": 14}"#)
        let error = #expect(throws: DesignError.self) { try CardRenderer(design: design, directory: Self.examples) }
        #expect(error?.message.contains("on the front is") == true)
        #expect(error?.message.contains("but its box is 30.0 mm") == true)
    }

    @Test func eachPDFPageIsAnID1Card() throws {
        let renderer = try CardRenderer(path: Self.examples.appendingPathComponent("linde-pharmacy.json").path)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lg-\(UUID().uuidString.prefix(8)).pdf"
        ).path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try renderer.renderPDF(numbers: ["2990001000018", "2990001000025"], to: file)
        let pdf = String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self)
        // 85.60 × 53.98 mm in points; front and back of two cards.
        #expect(pdf.components(separatedBy: "/MediaBox [ 0 0 242.645669 153.014173 ]").count - 1 == 4)
    }

    /// Dark pixels in the band of the card's front where a text at y 4 mm is drawn (the
    /// design's barcode sits lower, from 25 mm), in a 300 dpi preview without guides.
    private func textInk(_ element: String) throws -> Int {
        let renderer = try CardRenderer(design: design(element), directory: Self.examples)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lg-ink-\(UUID().uuidString.prefix(8)).png"
        ).path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try renderer.renderPreviewPNG(number: "2990001000018", dpi: 300, guides: false, to: file)
        let surface = cairo_image_surface_create_from_png(file)
        defer { cairo_surface_destroy(surface) }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let pixels = cairo_image_surface_get_data(surface)
        else {
            Issue.record("the preview \(file) cannot be read back")
            return 0
        }
        let stride = Int(cairo_image_surface_get_stride(surface)), width = Int(cairo_image_surface_get_width(surface))
        let dotsPerMM = 300 / 25.4
        var dark = 0
        for y in Int(3 * dotsPerMM)..<Int(12 * dotsPerMM) {
            for x in 0..<width {
                // RGB24: one 32-bit word per pixel, blue in the low byte.
                let word = pixels.advanced(by: y * stride + 4 * x).withMemoryRebound(to: UInt32.self, capacity: 1) {
                    $0.pointee
                }
                let luminance = (Int(word >> 16 & 0xFF) + Int(word >> 8 & 0xFF) + Int(word & 0xFF)) / 3
                if luminance < 128 { dark += 1 }
            }
        }
        return dark
    }

    private func design(_ element: String) throws -> CardDesign {
        try CardDesign.decode(
            Data(
                #"""
                {"shopName": "Кооперация Пловдив", "front": {"elements": [\#(element),
                 {"type": "barcode", "x": 4, "y": 25, "width": 40, "height": 18}]}}
                """#.utf8))
    }
}
