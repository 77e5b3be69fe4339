import ScanDecoding
import ScannerDrivers
import Testing

/// Text to key strokes for the `filter` pass-through mode, checked two ways: against the keys
/// printed on each layout's keyboard, and by typing the strokes back through `KeyDecoder` (the
/// gateway's own reading of a keyboard), which must give the text again.
@Suite struct KeyEncoderTests {
    /// What a desktop reading the strokes would see.
    static func decode(_ strokes: [KeyStroke], layout: String) throws -> String {
        let decoder = try KeyDecoder(layout: layout)
        var text = ""
        for stroke in strokes {
            for event in stroke.events {
                switch decoder.feed(code: event.code, value: event.value, at: .zero) {
                case .character(let character, _): text.append(character)
                case .enter: text.append("\n")
                case .tab: text.append("\t")
                default: break
                }
            }
        }
        return text
    }

    @Test func aGermanKeyboardTypesZWithTheKeyLabelledZ() throws {
        let encoder = try KeyEncoder(layout: "de")
        // On a German keyboard Z is where an American one has Y (KEY_Y, 21), and "-" is on KEY_SLASH.
        #expect(try encoder.strokes(for: "Z") == [KeyStroke(code: 21, modifiers: [KeyStroke.leftShift])])
        #expect(try encoder.strokes(for: "z-") == [KeyStroke(code: 21), KeyStroke(code: 53)])
        #expect(try encoder.strokes(for: "@") == [KeyStroke(code: 16, modifiers: [KeyStroke.rightAlt])])
        #expect(
            try KeyEncoder(layout: "us").strokes(for: "Z") == [KeyStroke(code: 44, modifiers: [KeyStroke.leftShift])])
    }

    @Test(arguments: ["us", "de", "fr", "be", "nl", "no"])
    func everyPrintableASCIICharacterTheLayoutHasTypesBack(layout: String) throws {
        let encoder = try KeyEncoder(layout: layout)
        let ascii = String(String.UnicodeScalarView((0x21...0x7E).compactMap(Unicode.Scalar.init)))
        let typable = ascii.unicodeScalars.filter { (try? encoder.strokes(for: String($0))) != nil }
        // Dead keys (^ ` ~ on several European layouts) have no character of their own.
        #expect(typable.count >= 88, "\(layout) types only \(typable.count) of 94")
        let text = String(String.UnicodeScalarView(typable))
        #expect(try Self.decode(try encoder.strokes(for: text, suffix: "enter"), layout: layout) == text + "\n")
    }

    @Test func productCodesWithTheirSuffixTypeBackInEachLayout() throws {
        for layout in ["us", "de", "fr", "bg"] {
            let encoder = try KeyEncoder(layout: layout)
            #expect(
                try Self.decode(try encoder.strokes(for: "4006381333931", suffix: "enter"), layout: layout)
                    == "4006381333931\n")
            #expect(
                try Self.decode(try encoder.strokes(for: "96385074", suffix: "tab"), layout: layout) == "96385074\t")
            #expect(try Self.decode(try encoder.strokes(for: "96385074", suffix: "none"), layout: layout) == "96385074")
        }
    }

    @Test func theGS1SeparatorIsControlAndTheBracketKey() throws {
        let encoder = try KeyEncoder(layout: "us")
        let strokes = try encoder.strokes(for: "01\u{1D}10")
        #expect(strokes[2] == KeyStroke(code: 27, modifiers: [KeyStroke.leftControl]))
        #expect(try Self.decode(strokes, layout: "us") == "01\u{1D}10")
    }

    @Test func aCharacterTheLayoutCannotTypeIsNamedAndNothingIsTyped() throws {
        let encoder = try KeyEncoder(layout: "us")
        #expect {
            try encoder.strokes(for: "AB€Ω€")
        } throws: { error in
            "\(error)" == "the keyboard layout us has no key for \"€\", \"Ω\""
        }
    }
}
