import Foundation

/// Turns Unicode text into the bytes one printer prints correctly, switching code pages as needed.
///
/// It keeps the page the printer is in, emits `ESC t n` (or Star's `ESC GS t n`) only when the
/// next character is not on that page, and then picks the page that covers the longest stretch of
/// what follows, ties going to `CodePageCatalog.preference`. After `ESC @` or `ESC M` the page is
/// unknown (some printers, e.g. Netum NT-5890K, fall back to their default table after a font
/// change: python-escpos #729), so the next non-ASCII character always selects its page again.
public struct CodePageEncoder: Sendable {
    struct Page: Sendable {
        let number: UInt8
        let table: CodePageTable
    }

    public let command: CodePageCommand
    /// The printer's usable pages in preference order.
    let pages: [Page]
    /// Every non-ASCII character at least one of those pages holds.
    private let printableSet: Set<Unicode.Scalar>
    /// The table the printer is in, or nil when it is not known.
    public private(set) var currentPage: UInt8?
    /// The table behind `currentPage`, kept to avoid a search per character.
    private var currentTable: CodePageTable?

    public init(profile: PrinterProfile) {
        command = profile.codePageCommand
        // The lowest number wins when a printer lists one encoding twice (POS-5890 has CP1252 at
        // 16 and 71): the low numbers are the Epson-compatible ones that clones implement best.
        var pages: [Page] = []
        for (number, name) in profile.codePages.sorted(by: { $0.key < $1.key }) {
            guard let table = CodePageCatalog.tables[name], !pages.contains(where: { $0.table.name == name }) else {
                continue
            }
            pages.append(Page(number: UInt8(number), table: table))
        }
        pages.sort { CodePageCatalog.rank(of: $0.table.name)! < CodePageCatalog.rank(of: $1.table.name)! }
        self.pages = pages
        printableSet = pages.reduce(into: Set<Unicode.Scalar>()) { $0.formUnion($1.table.bytes.keys) }
    }

    /// The usable pages as (table number, encoding name), in the order they are preferred.
    public var usablePages: [(number: UInt8, name: String)] {
        pages.map { ($0.number, $0.table.name) }
    }

    /// Forget the current page: the printer was reset or may have reset it.
    public mutating func invalidate() {
        currentPage = nil
        currentTable = nil
    }

    /// Normalises `text` (NFC, so "e" + combining acute is the one character é a page holds),
    /// turns tabs and line breaks into spaces, drops other control characters (they would reach
    /// the printer as commands) and transliterates what none of this printer's pages holds.
    public func printable(_ text: String) -> PrintableText {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(text.utf8.count)
        // Most receipt text is ASCII, which normalisation cannot change: skip the Foundation call.
        let normalized = text.utf8.allSatisfy { $0 < 0x80 } ? text : text.precomposedStringWithCanonicalMapping
        for scalar in normalized.unicodeScalars {
            switch scalar.value {
            case 0x20..<0x7F:
                result.append(scalar)
            case 0x09, 0x0A, 0x0D:
                result.append(" ")
            case 0..<0x20, 0x7F..<0xA0:
                continue
            default:
                if printableSet.contains(scalar) {
                    result.append(scalar)
                } else {
                    result += Transliterator.replacement(for: scalar, isPrintable: isPrintable)
                }
            }
        }
        return PrintableText(result)
    }

    private func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value >= 0x20 && scalar.value < 0x7F) || printableSet.contains(scalar)
    }

    /// Bytes for `text`, with page switches in front of the characters that need them.
    public mutating func encode(_ text: PrintableText) -> [UInt8] {
        let scalars = text.scalars
        var out: [UInt8] = []
        out.reserveCapacity(scalars.count + 4)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar.value >= 0x20, scalar.value < 0x7F {
                out.append(UInt8(scalar.value))
            } else if let current = currentTable, let byte = current.byte(for: scalar) {
                out.append(byte)
            } else if let page = bestPage(for: scalars[index...]) {
                out += command.bytes(selecting: page.number)
                currentPage = page.number
                currentTable = page.table
                continue  // encode the same character again, now on the new page
            } else {
                out.append(UInt8(ascii: "?"))  // only for text that did not come from printable(_:)
            }
            index += 1
        }
        return out
    }

    /// Convenience for `encode(printable(text))`.
    public mutating func encode(_ text: String) -> [UInt8] {
        encode(printable(text))
    }

    /// The page that prints the longest run from the start of `rest`; nil if none prints its first character.
    private func bestPage(for rest: ArraySlice<Unicode.Scalar>) -> Page? {
        var best: Page?
        var bestRun = 0
        for page in pages {
            let run = rest.prefix { page.table.byte(for: $0) != nil }.count
            if run > bestRun {
                best = page
                bestRun = run
            }
        }
        return best
    }
}
