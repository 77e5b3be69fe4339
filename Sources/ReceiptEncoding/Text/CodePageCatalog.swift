/// The code pages the encoder is willing to use, in order of preference.
///
/// The order is deliberate rather than numeric. python-escpos walks the profile's tables in the
/// order of their JSON keys (a string sort: "13" < "15" < "2") and ends up printing € from the
/// Greek ISO 8859-7 table and ø from Turkish CP857; escpos-php takes the lowest number. Both work
/// only by accident. Here:
/// - CP858 first: it holds Dutch, German and Norwegian letters *and* € (at 0xD5), so one page
///   serves a whole Western receipt without switching; python-escpos issue #465 (Danish) was
///   fixed with it, and escpos-printer-db confirms it on a real TM-T20III.
/// - CP1252 next: € at 0x80 plus typographic quotes and dashes; it is the only euro page on
///   printers without CP858 (the generic 58 mm class).
/// - CP850, CP865 (Nordic) and CP437 cover older printers without a euro page.
/// - CP866 is the most widely present Cyrillic page (Epson 17, Star 10), then CP1251, then CP855.
/// - The rest cover other Latin scripts a merchant name may contain.
/// Pages that cannot be built (iconv lacks them) are skipped, and their characters transliterated.
enum CodePageCatalog {
    /// escpos-printer-db encoding names in preference order, with the glibc iconv name of each.
    /// CP858 has no iconv name in escpos-printer-db, but glibc has known it as CP858/IBM858 for years.
    static let preference: [(name: String, iconv: String)] = [
        ("CP858", "CP858"),
        ("CP1252", "CP1252"),
        ("CP850", "CP850"),
        ("CP865", "CP865"),
        ("CP437", "CP437"),
        ("CP866", "CP866"),
        ("CP1251", "CP1251"),
        ("CP855", "CP855"),
        ("CP852", "CP852"),
        ("CP1250", "CP1250"),
        ("ISO_8859-15", "ISO-8859-15"),
        ("ISO_8859-2", "ISO-8859-2"),
        ("CP857", "CP857"),
        ("CP860", "CP860"),
        ("CP863", "CP863"),
        ("CP861", "CP861"),
    ]

    /// Tables built once per process; a global `let` is initialised lazily and thread-safely.
    static let tables: [String: CodePageTable] = {
        var tables: [String: CodePageTable] = [:]
        for entry in preference {
            if let table = CodePageTable(name: entry.name, iconvName: entry.iconv) {
                tables[entry.name] = table
            }
        }
        return tables
    }()

    /// Position in the preference order, or nil for an encoding the encoder does not use.
    static func rank(of name: String) -> Int? {
        preference.firstIndex { $0.name == name }
    }
}
