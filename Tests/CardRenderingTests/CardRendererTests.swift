import CardDesign
@testable import CardRendering
import Foundation
import Testing

/// The renderer's own checks: what libzint encodes and what a design's files and fonts allow.
/// Scanning the printed cards is done on real batches in IntegrationTests/CardBatchTests.
@Suite struct CardRendererTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/cards")

    @Test(arguments: Symbology.allCases)
    func libzintEncodesACardNumberInTheModulesTheFitCheckAssumes(symbology: Symbology) throws {
        let vector = try BarcodeVector(symbology, data: "2990001000018")
        #expect(vector.modules == symbology.modules)
        #expect(!vector.bars.isEmpty)
    }

    @Test func aMissingLogoIsNamedWithWhereItWasLookedFor() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lg-design-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let design = try design(#"{"type": "logo", "file": "shop-logo.png", "x": 4, "y": 4, "width": 14, "height": 14}"#)
        #expect(throws: DesignError("The logo shop-logo.png is missing: looked for \(folder.path)/shop-logo.png.")) {
            try CardRenderer(design: design, directory: folder)
        }
    }

    @Test func aLogoThatIsNotAPNGIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lg-design-\(UUID().uuidString.prefix(8))")
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

    @Test func cyrillicTextIsDrawnWithRealGlyphs() throws {
        let design = try design(#"{"type": "text", "text": "{shop}", "x": 4, "y": 4, "width": 78, "size": 12, "bold": true}"#)
        _ = try CardRenderer(design: design, directory: Self.examples)
    }

    @Test func aLineWiderThanItsBoxIsRefusedWithItsWidth() throws {
        let design = try design(#"{"type": "text", "text": "{shop}", "x": 4, "y": 4, "width": 30, "size": 14}"#)
        let error = #expect(throws: DesignError.self) { try CardRenderer(design: design, directory: Self.examples) }
        #expect(error?.message.contains("on the front is") == true)
        #expect(error?.message.contains("but its box is 30.0 mm") == true)
    }

    @Test func eachPDFPageIsAnID1Card() throws {
        let renderer = try CardRenderer(path: Self.examples.appendingPathComponent("linde-pharmacy.json").path)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lg-\(UUID().uuidString.prefix(8)).pdf").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try renderer.renderPDF(numbers: ["2990001000018", "2990001000025"], to: file)
        let pdf = String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self)
        // 85.60 × 53.98 mm in points; front and back of two cards.
        #expect(pdf.components(separatedBy: "/MediaBox [ 0 0 242.645669 153.014173 ]").count - 1 == 4)
    }

    private func design(_ element: String) throws -> CardDesign {
        try CardDesign.decode(Data(#"""
            {"shopName": "Кооперация Пловдив", "front": {"elements": [\#(element),
             {"type": "barcode", "x": 4, "y": 25, "width": 40, "height": 18}]}}
            """#.utf8))
    }
}
