import CardDesign
import Foundation
import Testing

/// What a shop's designer sees when a design file is wrong: one sentence naming the element.
@Suite struct CardDesignTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples/cards")

    @Test(arguments: ["linde-pharmacy.json", "coop-plovdiv.json", "bench-card.json"])
    func exampleDesignsAreValid(file: String) throws {
        let design = try CardDesign.decode(try Data(contentsOf: Self.examples.appendingPathComponent(file)))
        try design.validate()
    }

    @Test func theCardIsID1InPointsForThePDFPage() {
        #expect(abs(CardGeometry.widthPoints - 242.646) < 0.001)
        #expect(abs(CardGeometry.heightPoints - 153.014) < 0.001)
    }

    @Test func anEAN13InATwentyMillimetreBoxDoesNotFitAndTheMessageSaysHowWideItMustBe() {
        let error = #expect(throws: DesignError.self) {
            try design(barcode: #"{"type": "barcode", "x": 4, "y": 20, "width": 20, "height": 18}"#).validate()
        }
        #expect(
            error?.message
                == "The EAN-13 barcode does not fit: it needs a box at least 29.8 mm wide (113 modules of at least 0.264 mm, quiet zones included); its box is 20.0 × 18.0 mm."
        )
    }

    @Test func aBarcodeTooLowToScanIsRefused() {
        let error = #expect(throws: DesignError.self) {
            try design(
                barcode: #"{"type": "barcode", "symbology": "code128", "x": 4, "y": 20, "width": 60, "height": 5}"#
            ).validate()
        }
        #expect(error?.message.hasPrefix("The Code 128 barcode is too low to scan") == true)
    }

    @Test func modulesFillTheBoxAndTheQuietZonesLieInsideIt() throws {
        let layout = try BarcodeLayout(.init(x: 4, y: 20, width: 40, height: 18))
        #expect(abs(layout.moduleMM - 40.0 / 113) < 1e-9)
        #expect(abs(layout.bars.x - (4 + 11 * 40.0 / 113)) < 1e-9)
        #expect(abs(layout.bars.maxX - (44 - 7 * 40.0 / 113)) < 1e-9)
        let qr = try BarcodeLayout(.init(symbology: .qr, x: 50, y: 20, width: 30, height: 29))
        #expect(abs(qr.bars.width - 21 * 29.0 / 29) < 1e-9)
        #expect(abs(qr.bars.width - qr.bars.height) < 1e-9)
    }

    @Test func textOverTheBarcodesQuietZoneIsRefused() {
        let error = #expect(throws: DesignError.self) {
            try design(
                barcode: #"{"type": "barcode", "x": 4, "y": 20, "width": 40, "height": 18}"#,
                extra: #"{"type": "number", "x": 4, "y": 37, "width": 40, "size": 8}"#
            ).validate()
        }
        #expect(
            error?.message.hasPrefix("The card number on the front overlaps the EAN-13 barcode or its quiet zone")
                == true)
    }

    @Test func anElementOutsideTheSafeAreaIsRefused() {
        let error = #expect(throws: DesignError.self) {
            try design(
                barcode: #"{"type": "barcode", "x": 4, "y": 20, "width": 40, "height": 18}"#,
                extra: #"{"type": "logo", "file": "logo.png", "x": 1, "y": 1, "width": 10, "height": 10}"#
            ).validate()
        }
        #expect(
            error?.message.hasPrefix(
                "The logo logo.png on the front is outside the safe area: keep it at least 3.0 mm from the card's edge")
                == true)
    }

    @Test func aDesignWithoutBarcodeIsRefused() {
        #expect(throws: DesignError("The design has no barcode: a loyalty card needs one for the till's scanner.")) {
            try CardDesign.decode(Data(#"{"shopName": "X", "front": {"elements": []}}"#.utf8)).validate()
        }
    }

    @Test func fileMistakesNameTheirPlace() {
        #expect(throws: DesignError(#"The design file misses "shopName" in the design."#)) {
            try CardDesign.decode(Data(#"{"front": {"elements": []}}"#.utf8))
        }
        let colour = #expect(throws: DesignError.self) {
            try CardDesign.decode(Data(#"{"shopName": "X", "front": {"background": {"colour": "green"}}}"#.utf8))
        }
        #expect(colour?.message.contains("\"green\" is not a colour: write it as #RRGGBB") == true)
        let kind = #expect(throws: DesignError.self) {
            try CardDesign.decode(Data(#"{"shopName": "X", "front": {"elements": [{"type": "photo", "x": 1}]}}"#.utf8))
        }
        #expect(kind?.message.contains("\"photo\" is not an element type") == true)
    }

    @Test func numbersAreGroupedInFoursAndShopNamesFillPlaceholders() throws {
        #expect(CardDesign.grouped("2990001000018") == "2990 0010 0001 8")
        let design = try design(barcode: #"{"type": "barcode", "x": 4, "y": 20, "width": 40, "height": 18}"#)
        let line = Element.Text(text: "{shop} · {number}", x: 0, y: 0, width: 10, size: 8)
        #expect(design.text(of: line, number: "2990001000018", isNumber: false) == "Кооперация Пловдив · 2990001000018")
    }

    private func design(barcode: String, extra: String? = nil) throws -> CardDesign {
        let elements = [barcode] + (extra.map { [$0] } ?? [])
        return try CardDesign.decode(
            Data(
                #"{"shopName": "Кооперация Пловдив", "front": {"elements": [\#(elements.joined(separator: ","))]}}"#
                    .utf8))
    }
}
