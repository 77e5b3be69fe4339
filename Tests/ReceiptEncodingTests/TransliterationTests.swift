import Testing

@testable import ReceiptEncoding

@Suite("Transliteration of characters no code page of the printer holds")
struct TransliterationTests {
    /// A printer with CP437 only (like escpos-printer-db's "simple" profile).
    let cp437Only = customProfile(codePages: [0: "CP437"])

    @Test("Symbols without any page: → becomes ->, ✓ and emoji become ?")
    func symbols() throws {
        var e = try encoder("epson-tm-t88v")
        e.line("→ ✓ 😀")
        #expect(e.bytes == ascii("-> ? ?\n"))
    }

    @Test("Typographic punctuation on a CP437 printer: quotes, dashes, ellipsis, euro")
    func punctuation() {
        var e = ESCPOSEncoder(profile: cp437Only)
        e.line("„Gratis“ – 2 € …")
        #expect(e.bytes == ascii("\"Gratis\" - 2 EUR ...\n"))
    }

    @Test("Bulgarian on a printer without Cyrillic: official romanisation")
    func bulgarianLatin() {
        var e = ESCPOSEncoder(profile: cp437Only)
        e.line("Щастлив Ъгъл, Жива вода")
        #expect(e.bytes == ascii("Shtastliv Agal, Zhiva voda\n"))
    }

    @Test("Norwegian on CP437, which has Å (8F) but no Ø: Ø becomes OE; German ä stays (84)")
    func nordicAndGerman() {
        var e = ESCPOSEncoder(profile: cp437Only)
        e.line("Ørsted Ås ä")
        #expect(e.bytes == ascii("OErsted ") + hex("1B 74 00  8F 73 20 84 0A"))
    }

    @Test("Accented letters no page holds lose the accent; invisible characters vanish")
    func decomposition() {
        var e = ESCPOSEncoder(profile: cp437Only)
        e.line("Ő\u{200D}ň\u{FE0F}")
        #expect(e.bytes == ascii("On\n"))
    }

    @Test("Width is measured after transliteration")
    func printableWidth() {
        let e = ESCPOSEncoder(profile: cp437Only)
        #expect(e.printable("Жа…").count == 6)  // "Zha..."
        #expect(e.printable("Жа…").description == "Zha...")
    }
}
