import Foundation
import Testing

@testable import ReceiptEncoding

@Suite("Printer profiles from the bundled JSON")
struct ProfileTests {
    @Test("The bundled catalog has the required models")
    func bundledModels() throws {
        let catalog = try ProfileCatalog.bundled()
        #expect(
            catalog.knownIDs == [
                "epson-tm-t20ii", "epson-tm-t20iii", "epson-tm-t88iv", "epson-tm-t88v",
                "star-tsp650-escpos", "star-mcprint3-escpos", "generic-58mm",
            ])
        #expect(catalog.attribution.contains("escpos-printer-db"))
        #expect(catalog.attribution.contains("CC BY 4.0"))
    }

    @Test("Aliases and case-insensitive ids find the same profile")
    func aliases() throws {
        #expect(try profile("EPSON-TM-T88VI").id == "epson-tm-t88v")
        #expect(try profile("epson-tm-t20").id == "epson-tm-t20ii")
        #expect(try profile(" pos-58 ").id == "generic-58mm")
    }

    @Test("An unknown model is an error that lists the known ids")
    func unknownModel() {
        #expect {
            _ = try PrinterProfile.named("tm-x999")
        } throws: { error in
            guard let error = error as? PrinterProfileError, case .unknownModel(let id, let known) = error else {
                return false
            }
            let message = error.description
            return id == "tm-x999" && known.contains("epson-tm-t88v")
                && message.contains("Unknown printer model \"tm-x999\"") && message.contains("generic-58mm")
        }
    }

    @Test("Widths, columns and features per model")
    func dimensions() throws {
        let t88 = try profile("epson-tm-t88v")
        #expect(t88.dotsPerLine == 512 && t88.fonts.fontA == 42 && t88.fonts.fontB == 56)
        #expect(t88.codePages[19] == "CP858" && t88.codePages[16] == "CP1252" && t88.codePages[17] == "CP866")
        #expect(t88.features.qrCode && t88.features.partialCut && t88.codePageCommand == .escT)

        let t20 = try profile("epson-tm-t20iii")
        #expect(t20.dotsPerLine == 576 && t20.columns(font: .a) == 48 && t20.columns(font: .b) == 64)

        let star = try profile("star-tsp650-escpos")
        #expect(star.codePageCommand == .escGSt)
        #expect(star.codePages[4] == "CP858" && star.codePages[32] == "CP1252" && star.codePages[10] == "CP866")
        #expect(star.codePages[0] == nil)  // "Normal" depends on a memory switch

        let generic = try profile("generic-58mm")
        #expect(generic.dotsPerLine == 384 && generic.columns(font: .a) == 32 && generic.columns(font: .b) == 42)
        #expect(!generic.features.qrCode && !generic.features.barcodes && !generic.features.fullCut)
        #expect(generic.features.rasterImage)
        #expect(generic.columns(font: .a, widthMultiplier: 2) == 16)
    }

    @Test("A site can load its own catalog; bad data is reported")
    func customCatalog() throws {
        let catalog = try ProfileCatalog(jsonData: ProfileCatalog.bundledJSONData())
        #expect(catalog.profiles.count == 7)

        #expect(throws: PrinterProfileError.self) { try ProfileCatalog(jsonData: Data("{".utf8)) }
        let wrongFormat = Data(#"{"format": 2, "attribution": "", "profiles": []}"#.utf8)
        #expect(throws: PrinterProfileError.invalidProfileData("format 2 is not supported (expected 1)")) {
            try ProfileCatalog(jsonData: wrongFormat)
        }
    }

    @Test("Every bundled profile can print Western European and Cyrillic text")
    func usablePages() throws {
        for profile in try ProfileCatalog.bundled().profiles {
            let names = CodePageEncoder(profile: profile).usablePages.map(\.name)
            #expect(names.contains("CP1252"), "\(profile.id)")
            #expect(names.contains("CP866"), "\(profile.id)")
        }
    }

    @Test("Impossible profile data is refused: duplicate ids, tiny widths, non-byte table numbers")
    func invalidProfiles() throws {
        func catalog(_ profile: String) -> String {
            #"{"format": 1, "attribution": "", "profiles": [\#(profile)]}"#
        }
        let good = """
            {"id": "a", "aliases": [], "vendor": "V", "name": "N", "source": "", "notes": "", "dotsPerLine": 384,
             "dpi": 203, "paperWidthMM": 58, "printWidthMM": 48, "fonts": {"A": 32, "B": 42}, "codePageCommand": "ESC t",
             "codePages": {"0": "CP437"}, "features": {"fullCut": false, "partialCut": false, "qrCode": false,
             "barcodes": false, "barcodeFunctionB": false, "rasterImage": true, "drawerPulse": false}}
            """
        #expect(try ProfileCatalog(jsonData: Data(catalog(good).utf8)).knownIDs == ["a"])
        #expect(throws: PrinterProfileError.invalidProfileData("the id \"a\" is used twice")) {
            try ProfileCatalog(jsonData: Data(catalog(good + "," + good).utf8))
        }
        let narrow = good.replacingOccurrences(of: "\"dotsPerLine\": 384", with: "\"dotsPerLine\": 4")
        #expect(throws: PrinterProfileError.invalidProfileData("profile \"a\": dotsPerLine 4 is out of range")) {
            try ProfileCatalog(jsonData: Data(catalog(narrow).utf8))
        }
        let bigTable = good.replacingOccurrences(of: "{\"0\": \"CP437\"}", with: "{\"300\": \"CP437\"}")
        #expect(throws: PrinterProfileError.invalidProfileData("profile \"a\": code page number 300 is not a byte")) {
            try ProfileCatalog(jsonData: Data(catalog(bigTable).utf8))
        }
        let badCommand = good.replacingOccurrences(of: "\"ESC t\"", with: "\"ESC R\"")
        #expect(throws: PrinterProfileError.self) { try ProfileCatalog(jsonData: Data(catalog(badCommand).utf8)) }
    }
}

@Suite("The compiled-in catalog")
struct BundledProfilesTests {
    @Test(
        "BundledProfiles.swift holds exactly Resources/printer-profiles.json (run scripts/embed-printer-profiles after editing it)"
    )
    func embeddedMatchesResource() throws {
        let resource = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Sources/ReceiptEncoding/Resources/printer-profiles.json")
        let file = try String(contentsOf: resource, encoding: .utf8)
        #expect(BundledProfiles.json == file.trimmingCharacters(in: .newlines))
    }
}
