import Foundation
import ReceiptEncoding
import Testing

@testable import Receipts

let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
    .appendingPathComponent("examples")

func temporaryFile(_ name: String, _ contents: Data) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
        "receipts-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let path = folder.appendingPathComponent(name).path
    try contents.write(to: URL(fileURLWithPath: path))
    return path
}

/// Decodes every barcode and QR code in a PNG with zbarimg (zbar-tools), as a scanner would.
func scan(_ png: String) throws -> [String] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
    process.arguments = ["-q", "--raw", png]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return text.split(separator: "\n").map(String.init)
}

@Suite("Receipts: template, logo, composer and preview")
struct ReceiptComposerTests {
    let linde = examples.appendingPathComponent("receipts/linde-receipt.json")

    @Test("A PNG logo loads through cairo as RGBA pixels")
    func logo() throws {
        let image = try PNGLogo.load(path: examples.appendingPathComponent("cards/linde-logo.png").path)
        #expect(image.width == 200 && image.height == 200)
        #expect(image.format == .rgba8)
    }

    @Test("A logo that is not a PNG, or is missing, is a clear invalid-logo error")
    func badLogo() throws {
        let jpeg = try temporaryFile("logo.png", Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 0x4A, 0x46, 0x49, 0x46]))
        #expect(
            throws: ReceiptsError(
                .invalidLogo,
                "The logo \(jpeg) is not a PNG file: convert it to PNG (for example with `convert logo.jpg logo.png`).")
        ) {
            try PNGLogo.load(path: jpeg)
        }
        #expect(
            throws: ReceiptsError(
                .invalidLogo, "The logo /nonexistent/logo.png cannot be read: check the path in the receipt template.")
        ) {
            try PNGLogo.load(path: "/nonexistent/logo.png")
        }
        let truncated = try temporaryFile("cut.png", Data(PNGLogo.signature + [0, 0, 0, 13]))
        #expect(throws: ReceiptsError.self) { try PNGLogo.load(path: truncated) }
    }

    @Test("A template is the receipt's head: its name, address and logo, whatever the till sent")
    func template() throws {
        let template = ReceiptHeader(
            merchantName: "Apotheek De Linde", addressLines: ["Marktstraat 12", "9800 Deinze"],
            logo: examples.appendingPathComponent("cards/linde-logo.png").path)
        let composer = try ReceiptComposer(model: "epson-tm-t20iii", template: template)
        let document = try composer.document(
            json: Data(#"{"header":{"merchantName":"Till 3"},"lines":[{"description":"Zeep","amount":"2.50"}]}"#.utf8))
        #expect(
            document.header
                == ReceiptHeader(
                    merchantName: "Apotheek De Linde", addressLines: ["Marktstraat 12", "9800 Deinze"],
                    logo: template.logo))
        let noHeader = try composer.document(json: Data(#"{"lines":[{"description":"Zeep","amount":"2.50"}]}"#.utf8))
        let printed = try ESCPOSInterpreter(profile: composer.profile).interpret(
            composer.render(noHeader, logoPath: template.logo))
        #expect(Array(printed.textLines.prefix(3)) == ["Apotheek De Linde", "Marktstraat 12", "9800 Deinze"])
        // The logo comes first, as a raster image no wider than the printer.
        guard case .raster(let logo)? = printed.elements.first else {
            Issue.record("no logo first")
            return
        }
        #expect(logo.width <= composer.profile.dotsPerLine && logo.height == 200)
    }

    @Test(
        "Bad documents are invalid-receipt errors naming the problem",
        arguments: [
            (#"{"lines":[]}"#, "The receipt cannot be read"),
            ("not json", "The receipt cannot be read"),
            (#"{"header":{"merchantName":"X"},"lines":[{"description":"a","amount":1.5}]}"#, "lines[0].amount"),
        ])
    func badDocuments(json: String, words: String) throws {
        let composer = try ReceiptComposer(model: "epson-tm-t88v")
        do {
            _ = try composer.document(json: Data(json.utf8))
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.code == .invalidReceipt)
            #expect(error.message.contains(words), "\(error.message)")
        }
    }

    @Test("Invalid UTF-8 and 10,000 lines are refused before anything is rendered")
    func hostile() throws {
        let composer = try ReceiptComposer(model: "epson-tm-t88v")
        var invalid = Data(#"{"header":{"merchantName":"Caf"#.utf8)
        invalid += Data([0xC3, 0x28]) + Data(#""},"lines":[]}"#.utf8)
        #expect(throws: ReceiptsError.self) { try composer.document(json: invalid) }
        let lines = Array(repeating: #"{"description":"x","amount":"1.00"}"#, count: 10_000).joined(separator: ",")
        do {
            _ = try composer.document(json: Data(#"{"header":{"merchantName":"X"},"lines":[\#(lines)]}"#.utf8))
            Issue.record("10,000 lines accepted")
        } catch {
            #expect(
                error
                    == ReceiptsError(
                        .invalidReceipt, "The receipt has 10000 item lines; at most 1000 can be printed on one receipt."
                    ))
        }
    }

    @Test("An unknown printer model lists the known ones")
    func unknownModel() {
        do {
            _ = try ReceiptComposer(model: "epson-tm-u220")
            Issue.record("unknown model accepted")
        } catch {
            #expect(error.code == .unknownPrinterModel)
            #expect(error.message.contains("epson-tm-t88v"))
        }
    }

    @Test(
        "The preview shows what the printer prints: its QR code and barcode scan back",
        arguments: [
            ("epson-tm-t88v", "receipts/linde-receipt.json", "https://example.org/k/2900000000018"),
            // The generic printer has no GS ( k: the QR is a raster image from libzint's matrix.
            ("generic-58mm", "receipts/linde-receipt.json", "https://example.org/k/2900000000018"),
            ("star-tsp650-escpos", "receipts/coop-receipt.json", "2900000000018"),
        ])
    func preview(model: String, file: String, symbol: String) throws {
        let composer = try ReceiptComposer(model: model)
        let document = try composer.document(json: Data(contentsOf: examples.appendingPathComponent(file)))
        let bytes = try composer.render(
            document,
            logoPath: examples.appendingPathComponent(file).deletingLastPathComponent().appendingPathComponent(
                document.header!.logo!
            ).path)
        if model == "generic-58mm" { #expect(!containsQRCommand(bytes)) }
        let png = try temporaryFile("preview.png", Data())
        try ReceiptPreview(profile: composer.profile).writePNG(bytes: bytes, to: png)
        #expect(try scan(png) == [symbol])
    }

    func containsQRCommand(_ bytes: [UInt8]) -> Bool {
        bytes.indices.dropLast(2).contains { bytes[$0] == 0x1D && bytes[$0 + 1] == 0x28 && bytes[$0 + 2] == 0x6B }
    }
}
