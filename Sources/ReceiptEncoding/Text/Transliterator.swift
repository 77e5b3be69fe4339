import Foundation

/// What to print for a character that none of the printer's code pages holds.
///
/// The order of attempts, each tried only when the character cannot be printed as is:
/// 1. `table` below: typographic punctuation to ASCII (“ ” „ → ", ‘ ’ → ', – — → -, … → ...),
///    spaces, symbols (€ → EUR, → → ->), the German and Norwegian spellings without diacritics
///    (ä → ae, ß → ss, ø → oe, å → aa), and Bulgarian Cyrillic in the official Bulgarian
///    romanisation (Transliteration Act 2009: ж → zh, щ → sht, ъ → a, ю → yu, я → ya).
/// 2. The character's canonical decomposition without its accents (ő → o, ň → n), if the base
///    letter is printable.
/// 3. Nothing, for invisible characters (combining marks, zero-width joiners, variation selectors).
/// 4. `?` for anything else, so a receipt never shows bytes from the wrong table.
enum Transliterator {
    static func replacement(for scalar: Unicode.Scalar, isPrintable: (Unicode.Scalar) -> Bool) -> [Unicode.Scalar] {
        if let mapped = table[scalar] {
            return Array(mapped.unicodeScalars)
        }
        let base = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.filter { !isInvisible($0) }
        if !base.isEmpty, base.first != scalar, base.allSatisfy(isPrintable) {
            return Array(base)
        }
        if isInvisible(scalar) { return [] }
        if scalar.properties.generalCategory == .spaceSeparator { return [" "] }
        return ["?"]
    }

    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: true
        default: false
        }
    }

    /// The documented replacement table. Every value is plain ASCII.
    static let table: [Unicode.Scalar: String] = {
        var table: [Unicode.Scalar: String] = [
            // Quotes, dashes, ellipsis, bullets.
            "\u{201C}": "\"", "\u{201D}": "\"", "\u{201E}": "\"", "\u{201F}": "\"", "\u{00AB}": "\"",
            "\u{00BB}": "\"", "\u{2033}": "\"", "\u{2018}": "'", "\u{2019}": "'", "\u{201A}": "'",
            "\u{201B}": "'", "\u{2039}": "'", "\u{203A}": "'", "\u{2032}": "'", "\u{2010}": "-",
            "\u{2011}": "-", "\u{2012}": "-", "\u{2013}": "-", "\u{2014}": "-", "\u{2015}": "-",
            "\u{2212}": "-", "\u{2026}": "...", "\u{2022}": "*", "\u{00B7}": ".",
            // Spaces that are not U+0020.
            "\u{00A0}": " ", "\u{2007}": " ", "\u{2009}": " ", "\u{202F}": " ",
            // Symbols.
            "\u{20AC}": "EUR", "\u{00A3}": "GBP", "\u{2116}": "No", "\u{2122}": "TM", "\u{00A9}": "(C)",
            "\u{00AE}": "(R)", "\u{00D7}": "x", "\u{00F7}": "/", "\u{2192}": "->", "\u{2190}": "<-",
            "\u{2264}": "<=", "\u{2265}": ">=", "\u{2260}": "!=", "\u{00BD}": "1/2", "\u{00BC}": "1/4",
            "\u{00B0}": "o",
            // German, Dutch and Norwegian spellings without diacritics.
            "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "\u{1E9E}": "SS",
            "æ": "ae", "Æ": "AE", "ø": "oe", "Ø": "OE", "å": "aa", "Å": "AA", "\u{0133}": "ij", "\u{0132}": "IJ",
        ]
        for (cyrillic, latin) in bulgarian {
            table[cyrillic] = latin
            let upper = String(cyrillic).uppercased().unicodeScalars
            if upper.count == 1, let first = upper.first, !latin.isEmpty {
                table[first] = latin.prefix(1).uppercased() + String(latin.dropFirst())
            }
        }
        return table
    }()

    /// Lower-case Bulgarian alphabet (plus Russian ё ы э) to Latin; upper case is derived.
    private static let bulgarian: [Unicode.Scalar: String] = [
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
        "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
        "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht",
        "ъ": "a", "ь": "y", "ю": "yu", "я": "ya", "ё": "yo", "ы": "y", "э": "e",
    ]
}
