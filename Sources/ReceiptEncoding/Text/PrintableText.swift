/// Text reduced to characters a particular printer can print, one printer column each.
///
/// Produced by `CodePageEncoder.printable(_:)`, which has already normalised, stripped control
/// characters and transliterated. Layout works on this rather than on `String` because a
/// transliteration can change the width (… becomes three columns) and only after it is the
/// character count the number of columns the line takes.
public struct PrintableText: Sendable, Hashable, CustomStringConvertible {
    public private(set) var scalars: [Unicode.Scalar]

    init(_ scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    /// Columns this text takes in the current font at normal width.
    public var count: Int { scalars.count }
    public var isEmpty: Bool { scalars.isEmpty }
    public var description: String { String(String.UnicodeScalarView(scalars)) }

    /// The first `columns` columns.
    public func prefix(_ columns: Int) -> PrintableText {
        PrintableText(Array(scalars.prefix(max(0, columns))))
    }

    /// `count` copies of an ASCII `character` (used for padding and dot leaders).
    static func repeating(_ character: Unicode.Scalar, count: Int) -> PrintableText {
        PrintableText(Array(repeating: character, count: max(0, count)))
    }

    static func + (lhs: PrintableText, rhs: PrintableText) -> PrintableText {
        PrintableText(lhs.scalars + rhs.scalars)
    }

    /// Splits at spaces into words, keeping no empty words.
    var words: [PrintableText] {
        scalars.split(separator: " ", omittingEmptySubsequences: true).map { PrintableText(Array($0)) }
    }
}
