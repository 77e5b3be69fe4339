/// Fits text into a fixed number of printer columns.
///
/// Receipts are laid out in characters, not dots: every character of a resident font is the same
/// width, so "Total ........ 12.50" is a matter of counting. The count comes from the profile
/// (font and width multiplier) and the text from `CodePageEncoder.printable(_:)`, already
/// transliterated, so what is counted is what is printed.
public enum ColumnLayout {
    /// `left` and `right` on one line of `width` columns, `right` flush right.
    ///
    /// With a `fill` other than a space the gap becomes a leader, kept one space away from both
    /// texts ("Total ........ 12.50"); gaps too small for that are plain spaces. `right` is never
    /// shortened (it is the amount); if it alone is wider than the line it gets a line of its own.
    public static func twoColumns(
        left: PrintableText, right: PrintableText, width: Int,
        fill: Unicode.Scalar = " ", overflow: Overflow = .truncate
    ) -> [PrintableText] {
        let width = max(1, width)
        if right.count >= width {
            let leftLines = left.isEmpty ? [] : wrap(left, width: width)
            return leftLines + [right.prefix(width)]
        }
        // Room for the left text: everything but the value and one separating space.
        let room = right.isEmpty ? width : width - right.count - 1
        var leftLines: [PrintableText]
        switch overflow {
        case .truncate:
            leftLines = [left.prefix(room)]
        case .wrap:
            leftLines = wrap(left, width: room)
        }
        let last = leftLines.removeLast()
        let gap = width - last.count - right.count
        let filler: PrintableText
        if fill != " ", gap >= 3 {
            filler = .repeating(" ", count: 1) + .repeating(fill, count: gap - 2) + .repeating(" ", count: 1)
        } else {
            filler = .repeating(" ", count: gap)
        }
        return leftLines + [last + filler + right]
    }

    /// Breaks `text` into lines of at most `width` columns at spaces; a word longer than a line
    /// is cut where the line ends. Always returns at least one (possibly empty) line.
    public static func wrap(_ text: PrintableText, width: Int) -> [PrintableText] {
        let width = max(1, width)
        var lines: [PrintableText] = []
        var current = PrintableText([])
        for var word in text.words {
            if !current.isEmpty, current.count + 1 + word.count <= width {
                current = current + .repeating(" ", count: 1) + word
                continue
            }
            if !current.isEmpty {
                lines.append(current)
                current = PrintableText([])
            }
            while word.count > width {
                lines.append(word.prefix(width))
                word = PrintableText(Array(word.scalars.dropFirst(width)))
            }
            current = word
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    /// `text` padded with spaces on the left so it ends at column `width` (cut if longer).
    public static func rightAligned(_ text: PrintableText, width: Int) -> PrintableText {
        .repeating(" ", count: width - text.count) + text.prefix(width)
    }

    /// `text` padded on the left so it sits in the middle of `width` columns (cut if longer).
    public static func centered(_ text: PrintableText, width: Int) -> PrintableText {
        .repeating(" ", count: (width - text.count) / 2) + text.prefix(width)
    }
}
