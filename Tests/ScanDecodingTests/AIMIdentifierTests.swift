import Testing

@testable import ScanDecoding

@Suite("AIMIdentifier")
struct AIMIdentifierTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var symbology: Symbology?
        var data: String
        var testDescription: String { text }
    }

    static let prefixed: [Case] = [
        Case(text: "]E04006381333931", symbology: .ean13, data: "4006381333931"),
        Case(text: "]E0036000291452", symbology: .upcA, data: "036000291452"),
        Case(text: "]E001234565", symbology: .upcE, data: "01234565"),
        Case(text: "]E496385074", symbology: .ean8, data: "96385074"),
        Case(text: "]E3400638133393112", symbology: .ean13, data: "400638133393112"),
        Case(text: "]E112", symbology: .ean2, data: "12"),
        Case(text: "]E212345", symbology: .ean5, data: "12345"),
        Case(text: "]C0ABC-123", symbology: .code128, data: "ABC-123"),
        Case(text: "]C1010001234560001210ABC\u{1D}", symbology: .gs1128, data: "010001234560001210ABC\u{1D}"),
        Case(text: "]Q1https://example.org", symbology: .qr, data: "https://example.org"),
        Case(text: "]Q30100012345600012", symbology: .gs1QR, data: "0100012345600012"),
        Case(text: "]d1hello", symbology: .dataMatrix, data: "hello"),
        Case(text: "]d2010001234560001217251231", symbology: .gs1DataMatrix, data: "010001234560001217251231"),
        Case(text: "]A0CODE39", symbology: .code39, data: "CODE39"),
        Case(text: "]I012345678", symbology: .itf, data: "12345678"),
        Case(text: "]I110012345678902", symbology: .itf, data: "10012345678902"),
        Case(text: "]e00100012345600012", symbology: .gs1DataBar, data: "0100012345600012"),
        Case(text: "]L2PDF", symbology: .pdf417, data: "PDF"),
        Case(text: "]z0AZTEC", symbology: .aztec, data: "AZTEC"),
        Case(text: "]F0A123B", symbology: .codabar, data: "A123B"),
        Case(text: "]G0C93", symbology: .code93, data: "C93"),
        Case(text: "]H0123-45", symbology: .code11, data: "123-45"),
        Case(text: "]U0MAXI", symbology: .maxiCode, data: "MAXI"),
        Case(text: "]J1DOT", symbology: .dotCode, data: "DOT"),
        Case(text: "]M0123", symbology: .msi, data: "123"),
        // Assigned code characters without a wire name: stripped, symbology unknown.
        Case(text: "]X0OTHER", symbology: nil, data: "OTHER"),
        Case(text: "]B0TELEPEN", symbology: nil, data: "TELEPEN"),
        // System expansion: the first modifier digit counts the extra modifier characters.
        Case(text: "]Y2ABdata", symbology: nil, data: "data"),
    ]

    @Test("prefix decides symbology and is removed", arguments: prefixed)
    func prefixedText(_ testCase: Case) {
        let decoded = AIMIdentifier.decode(testCase.text)
        #expect(decoded.symbology == testCase.symbology)
        #expect(decoded.data == testCase.data)
    }

    static let unprefixed: [Case] = [
        Case(text: "4006381333931", symbology: .ean13, data: "4006381333931"),
        Case(text: "4006381333932", symbology: nil, data: "4006381333932"),  // bad check digit
        Case(text: "96385074", symbology: .ean8, data: "96385074"),
        Case(text: "96385075", symbology: nil, data: "96385075"),
        Case(text: "036000291452", symbology: nil, data: "036000291452"),  // UPC-A is not guessed
        Case(text: "ABC-123", symbology: nil, data: "ABC-123"),
        // Not AIM identifiers, so nothing may be stripped:
        Case(text: "]W0abc", symbology: nil, data: "]W0abc"),  // W is not assigned
        Case(text: "]E", symbology: nil, data: "]E"),  // too short
        Case(text: "]", symbology: nil, data: "]"),
        Case(text: "]E-1", symbology: nil, data: "]E-1"),  // modifier not alphanumeric
        Case(text: "]Y9AB", symbology: nil, data: "]Y9AB"),  // expansion runs off the end
        Case(text: "x]E04006381333931", symbology: nil, data: "x]E04006381333931"),
        Case(text: "", symbology: nil, data: ""),
    ]

    @Test("without a prefix the data is kept and only EAN-13/EAN-8 are guessed", arguments: unprefixed)
    func unprefixedText(_ testCase: Case) {
        let decoded = AIMIdentifier.decode(testCase.text)
        #expect(decoded.symbology == testCase.symbology)
        #expect(decoded.data == testCase.data)
    }

    @Test func identifierParts() throws {
        let identifier = try #require(AIMIdentifier(prefixOf: "]d2010"))
        #expect(identifier.codeCharacter == "d")
        #expect(identifier.modifier == "2")
        #expect(identifier.text == "]d2")
        #expect(identifier.length == 3)
        #expect(identifier.symbology == .gs1DataMatrix)
        #expect(AIMIdentifier(prefixOf: "]Y1Ax")?.text == "]Y1A")
    }

    @Test func decodeWorksOnSubstrings() {
        let line = "xx]E496385074"
        let decoded = AIMIdentifier.decode(line.dropFirst(2))
        #expect(decoded.symbology == .ean8)
        #expect(decoded.data == "96385074")
    }

    @Test func wireNamesMatchTheContract() {
        #expect(Symbology.ean13.wireName == "EAN-13")
        #expect(Symbology.ean8.wireName == "EAN-8")
        #expect(Symbology.code128.wireName == "CODE-128")
        #expect(Symbology.qr.wireName == "QR")
        #expect(Symbology.upcA.wireName == "UPC-A")
        #expect(Symbology.gs1128.wireName == "GS1-128")
        #expect(Symbology.dataMatrix.wireName == "DATAMATRIX")
        #expect(Symbology.code39.wireName == "CODE-39")
        #expect(Symbology.itf.wireName == "ITF")
        #expect(Symbology.gs1DataBar.wireName == "GS1-DATABAR")
        #expect(Symbology.pdf417.wireName == "PDF417")
        #expect(Symbology(wireName: "EAN-13") == .ean13)
        #expect(Symbology(wireName: "ean-13") == nil)
        #expect(Set(Symbology.allCases.map(\.wireName)).count == Symbology.allCases.count)
    }
}
