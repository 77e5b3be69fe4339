import Testing

@testable import ReceiptEncoding

@Suite("Golden bytes: columns measured in the printer's columns")
struct ColumnGoldenTests {
    @Test("TM-T88V Font A: 42 columns, dot leader kept one space from both texts")
    func dotLeaderTM88() throws {
        var e = try encoder("epson-tm-t88v")
        e.columns("Total", "12.50", fill: ".")
        // 5 + 1 + 30 dots + 1 + 5 = 42.
        #expect(e.bytes == ascii("Total ") + [UInt8](repeating: 0x2E, count: 30) + ascii(" 12.50") + [0x0A])
    }

    @Test("Generic 58 mm: 32 columns")
    func spacesGeneric() throws {
        var e = try encoder("generic-58mm")
        e.columns("Artikel 01", "2.99")
        // 10 + 18 spaces + 4 = 32.
        #expect(e.bytes == ascii("Artikel 01" + String(repeating: " ", count: 18) + "2.99\n"))
    }

    @Test("Font B on the TM-T88V has 56 columns")
    func fontB() throws {
        var e = try encoder("epson-tm-t88v")
        e.setFont(.b)
        e.columns("A", "1")
        #expect(e.bytes == hex("1B 4D 01") + ascii("A" + String(repeating: " ", count: 54) + "1\n"))
    }

    @Test("Double width halves the TM-T20III's 48 columns to 24")
    func doubleWidth() throws {
        var e = try encoder("epson-tm-t20iii")
        try e.setSize(width: 2, height: 2)
        e.columns("SUM", "9.00")
        #expect(e.bytes == hex("1D 21 11") + ascii("SUM" + String(repeating: " ", count: 17) + "9.00\n"))
    }

    @Test("A long left text is truncated where the amount starts")
    func truncate() throws {
        var e = try encoder("generic-58mm")
        e.columns("Paracetamol 500 mg tabletten 50 stuks", "4.95")
        // 32 − 4 − 1 = 27 columns of text, one space, the amount.
        #expect(e.bytes == ascii("Paracetamol 500 mg tablette 4.95\n"))
    }

    @Test("With wrapping, the text breaks at spaces and the amount stands on the last line")
    func wrap() throws {
        var e = try encoder("generic-58mm")
        e.columns("Paracetamol 500 mg tabletten 50 stuks", "4.95", overflow: .wrap)
        #expect(
            e.bytes == ascii("Paracetamol 500 mg\ntabletten 50 stuks" + String(repeating: " ", count: 10) + "4.95\n"))
    }

    @Test("Columns count characters after transliteration: … takes three")
    func widthAfterTransliteration() {
        // Every bundled printer has CP1252, which holds "…"; a CP437-only printer does not.
        var e = ESCPOSEncoder(profile: customProfile(codePages: [0: "CP437"], columns: 12))
        e.columns("Wait…", "1.00")
        #expect(e.bytes == ascii("Wait... 1.00\n"))
    }

    @Test("Layout helpers: wrap hard-breaks long words; centred and right-aligned text")
    func helpers() throws {
        let e = try encoder("generic-58mm")
        let lines = ColumnLayout.wrap(e.printable("abcdefghij klm"), width: 4)
        #expect(lines.map(\.description) == ["abcd", "efgh", "ij", "klm"])
        #expect(ColumnLayout.centered(e.printable("ab"), width: 6).description == "  ab")
        #expect(ColumnLayout.rightAligned(e.printable("ab"), width: 6).description == "    ab")
        let tooWide = ColumnLayout.twoColumns(left: e.printable("x"), right: e.printable("123456"), width: 4)
        #expect(tooWide.map(\.description) == ["x", "1234"])
    }
}
