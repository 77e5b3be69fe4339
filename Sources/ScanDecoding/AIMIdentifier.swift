import GS1

/// An AIM / ISO/IEC 15424 symbology identifier: `]`, a code character, and a modifier
/// (`]E0` EAN-13/UPC, `]E4` EAN-8, `]C1` GS1-128, `]Q1` QR, `]d2` GS1 DataMatrix, ...).
///
/// Scanners prepend it to the data when "transmit AIM ID" is on, and HID POS scanners put it in
/// the Symbology Identifier bytes of the report. It is the only reliable way to know the symbology,
/// and it must be removed before the data is used (a card number does not start with `]E0`).
public struct AIMIdentifier: Sendable, Hashable {
    /// The code character, e.g. `E` for EAN/UPC; it names the symbology family.
    public let codeCharacter: Character
    /// The modifier, usually one character (`0` in `]E0`). `]Y` (system expansion) carries a digit
    /// n followed by n more characters, so this is a string.
    public let modifier: String

    /// The identifier as sent, e.g. `]E0`.
    public var text: String { "]" + String(codeCharacter) + modifier }

    /// Code characters assigned by ISO/IEC 15424 (plus `J`, DotCode, which GS1 uses as `]J1`).
    /// Only these are stripped: data that merely starts with `]` and some letter (a URL in a QR
    /// code, say) must not lose its first three characters.
    static let assignedCodeCharacters: Set<Unicode.Scalar> = Set("ABCDEFGHIJKLMNOPQRSTUXYZcdeopsz".unicodeScalars)

    /// Parses the identifier at the start of `text`; nil when `text` does not start with one.
    public init?(prefixOf text: some StringProtocol) {
        var scalars = text.unicodeScalars.makeIterator()
        guard scalars.next() == "]", let code = scalars.next(),
            Self.assignedCodeCharacters.contains(code), let first = scalars.next(),
            Self.isModifierScalar(first)
        else { return nil }
        var modifier = String(first)
        if code == "Y" {
            // System expansion: the first modifier digit says how many more characters follow.
            guard let extra = Int(String(first)) else { return nil }
            for _ in 0..<extra {
                guard let next = scalars.next(), Self.isModifierScalar(next) else { return nil }
                modifier.unicodeScalars.append(next)
            }
        }
        self.codeCharacter = Character(code)
        self.modifier = modifier
    }

    /// Number of Unicode scalars (= bytes, all ASCII) the identifier occupies in the text.
    public var length: Int { 2 + modifier.unicodeScalars.count }

    /// The symbology without looking at the data (`]E0` then counts as EAN-13).
    public var symbology: Symbology? { symbology(forData: "") }

    /// The symbology this identifier names. `data` (the text after the identifier) refines `]E0`,
    /// which ISO/IEC 15424 uses for EAN-13, UPC-A and UPC-E alike: 12 digits are UPC-A, 6 to 8
    /// digits UPC-E, anything else EAN-13. Code characters without a wire name give nil.
    public func symbology(forData data: some StringProtocol) -> Symbology? {
        switch (codeCharacter, modifier) {
        case ("A", _): return .code39
        case ("C", "1"): return .gs1128
        case ("C", _): return .code128
        case ("E", "0"):
            switch data.utf8.count {
            case 12: return .upcA
            case 6...8: return .upcE
            default: return .ean13
            }
        case ("E", "1"): return .ean2
        case ("E", "2"): return .ean5
        case ("E", "4"): return .ean8
        case ("E", _): return .ean13  // `]E3`: EAN-13/UPC with its add-on appended to the data
        case ("F", _): return .codabar
        case ("G", _): return .code93
        case ("H", _): return .code11
        case ("I", _): return .itf
        case ("J", _): return .dotCode
        case ("L", _): return .pdf417
        case ("M", _): return .msi
        case ("Q", "3"), ("Q", "4"): return .gs1QR  // FNC1 in first position (ISO/IEC 18004)
        case ("Q", _): return .qr
        case ("U", _): return .maxiCode
        case ("d", "2"), ("d", "5"): return .gs1DataMatrix  // FNC1 in first position (ISO/IEC 16022)
        case ("d", _): return .dataMatrix
        case ("e", _): return .gs1DataBar
        case ("z", _): return .aztec
        default: return nil
        }
    }

    /// Splits decoded scan text into its symbology and data.
    ///
    /// With an AIM prefix the prefix decides the symbology and is removed. Without one this is a
    /// best-effort guess from the data alone (see `guessSymbology(data:)`), so a nil symbology
    /// means "unknown", not "none".
    public static func decode(_ text: some StringProtocol) -> (symbology: Symbology?, data: String) {
        if let identifier = AIMIdentifier(prefixOf: text) {
            let data = String(String.UnicodeScalarView(text.unicodeScalars.dropFirst(identifier.length)))
            return (identifier.symbology(forData: data), data)
        }
        let data = String(text)
        return (guessSymbology(data: data), data)
    }

    /// Guess for text that arrived without an AIM identifier: 13 ASCII digits with a valid GS1
    /// check digit are EAN-13, 8 such digits EAN-8, everything else nil. UPC-A, ITF-14 and
    /// Code 128 numbers cannot be told apart by their digits, so no other guess is made.
    public static func guessSymbology(data: some StringProtocol) -> Symbology? {
        switch data.utf8.count {
        case 13 where GS1CheckDigit.isValid(data): return .ean13
        case 8 where GS1CheckDigit.isValid(data): return .ean8
        default: return nil
        }
    }

    static func isModifierScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (("0"..."9").contains(scalar) || ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar))
    }
}
