import Testing

@testable import ReceiptEncoding

/// Byte values are from the IBM/Microsoft code page charts (CP858 is CP850 with € at 0xD5;
/// CP1252 has € at 0x80; CP866 has А–Я at 0x80–0x9F, а–п at 0xA0–0xAF, р–я at 0xE0–0xEF).
/// Table numbers are the profiles' (Epson: 16 CP1252, 17 CP866, 19 CP858; Star: 4 CP858, 10 CP866).
@Suite("Golden bytes: languages and code pages")
struct CodePageGoldenTests {
    @Test("Dutch with €: ESC t 19 (CP858), € = D5")
    func dutchEuro() throws {
        var e = try encoder("epson-tm-t88v")
        e.line("Totaal € 12,50")
        #expect(e.bytes == ascii("Totaal ") + hex("1B 74 13  D5") + ascii(" 12,50\n"))
    }

    @Test("German ä and ß on CP858: 84 and E1")
    func german() throws {
        var e = try encoder("epson-tm-t20iii")
        e.line("Bäckerstraße")
        #expect(e.bytes == hex("42  1B 74 13  84  63 6B 65 72 73 74 72 61  E1  65 0A"))
    }

    @Test("Norwegian å æ ø on CP858: 86 91 9B")
    func norwegian() throws {
        var e = try encoder("epson-tm-t88iv")
        e.line("Blåbærsyltetøy")
        #expect(e.bytes == hex("42 6C  1B 74 13  86 62 91 72 73 79 6C 74 65 74 9B 79 0A"))
    }

    @Test("Bulgarian Cyrillic: ESC t 17 (CP866)")
    func bulgarian() throws {
        var e = try encoder("epson-tm-t88v")
        e.line("Благодарим!")
        #expect(e.bytes == hex("1B 74 11  81 AB A0 A3 AE A4 A0 E0 A8 AC 21 0A"))
    }

    @Test("Star numbering under ESC GS t: CP858 is 4, CP866 is 10")
    func star() throws {
        var e = try encoder("star-tsp650-escpos")
        e.line("€")
        e.line("Благодарим")
        #expect(e.bytes == hex("1B 1D 74 04  D5 0A  1B 1D 74 0A  81 AB A0 A3 AE A4 A0 E0 A8 AC 0A"))
    }

    @Test("€ and Cyrillic on one line: CP1251 (Star 34) holds both, so one switch instead of two")
    func euroAndCyrillic() throws {
        var e = try encoder("star-mcprint3-escpos")
        e.line("€ Благодарим")
        #expect(e.bytes == hex("1B 1D 74 22  88 20 C1 EB E0 E3 EE E4 E0 F0 E8 EC 0A"))
    }

    @Test("The generic printer has no CP858: € comes from CP1252 at 80 (ESC t 16), not D5")
    func genericEuro() throws {
        var e = try encoder("generic-58mm")
        e.line("€ 5,00")
        e.line("Blåbær")
        #expect(e.bytes == hex("1B 74 10  80") + ascii(" 5,00\n") + hex("42 6C E5 62 E6 72 0A"))
    }

    @Test("Without CP858 or CP1252, Norwegian comes from CP850 before CP865 (preference order)")
    func nordicWithoutEuroPages() {
        var e = ESCPOSEncoder(profile: customProfile(codePages: [0: "CP437", 2: "CP850", 5: "CP865"]))
        e.line("ø")
        #expect(e.bytes == hex("1B 74 02  9B 0A"))
        var nordic = ESCPOSEncoder(profile: customProfile(codePages: [0: "CP437", 5: "CP865"]))
        nordic.line("Ø")
        #expect(nordic.bytes == hex("1B 74 05  9D 0A"))
    }

    @Test("The page that covers the longest run wins: “€ – ø” is all CP1252, not CP858 then CP1252")
    func longestRun() throws {
        var e = try encoder("epson-tm-t88v")
        e.line("€ – ø")
        #expect(e.bytes == hex("1B 74 10  80 20 96 20 F8 0A"))
    }

    @Test("ESC t is sent only when the page changes")
    func noRedundantSwitch() throws {
        var e = try encoder("epson-tm-t88v")
        e.line("€1")
        e.line("€2")
        e.line("Дом")
        e.line("€3")
        #expect(e.bytes == hex("1B 74 13 D5 31 0A  D5 32 0A  1B 74 11 84 AE AC 0A  1B 74 13 D5 33 0A"))
    }

    @Test("After ESC @ or ESC M the page is selected again (printers may reset it)")
    func reselectAfterReset() throws {
        var e = try encoder("epson-tm-t88v")
        e.line("€")
        e.initialize()
        e.line("€")
        e.setFont(.b)
        e.line("€")
        #expect(e.bytes == hex("1B 74 13 D5 0A  1B 40  1B 74 13 D5 0A  1B 4D 01  1B 74 13 D5 0A"))
    }

    @Test("Pure ASCII never selects a page")
    func asciiOnly() throws {
        var e = try encoder("epson-tm-t88v")
        e.line("Total 12.50")
        #expect(e.bytes == ascii("Total 12.50\n"))
        #expect(e.currentCodePage == nil)
    }

    @Test("Decomposed input is normalised: e + U+0301 prints as é (82 on CP858)")
    func normalisation() throws {
        var e = try encoder("epson-tm-t88v")
        e.line("Cafe\u{0301}")
        #expect(e.bytes == hex("43 61 66  1B 74 13  82 0A"))
    }

    @Test("Control characters never reach the printer; tabs and line breaks become spaces")
    func controlCharacters() throws {
        var e = try encoder("epson-tm-t88v")
        e.line("A\u{1B}@B\tC\nD\u{0085}E")
        #expect(e.bytes == ascii("A@B C DE\n"))
    }
}
