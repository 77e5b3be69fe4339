import Testing

@testable import ReceiptEncoding

/// The interpreter reads bytes back as the printer of the profile would: these tests assert what
/// a customer reads on the paper for each language on each bundled model, which catches a wrong
/// table number as surely as a golden byte string does, and on models no golden test covers.
@Suite("Interpreter: what the printer prints")
struct InterpreterTests {
    static let models = [
        "epson-tm-t20ii", "epson-tm-t20iii", "epson-tm-t88iv", "epson-tm-t88v", "star-tsp650-escpos",
        "star-mcprint3-escpos", "generic-58mm",
    ]

    /// Each language's text and what a printer without a page for one of its characters prints.
    static let samples: [(language: String, text: String)] = [
        ("nl", "Totaal € 12,50 – café, reïntegratie"),
        ("de", "Grüße aus der Bäckerstraße: 3,20 €"),
        ("nb", "Blåbærsyltetøy og rømme, ÆØÅ"),
        ("bg", "Благодарим! Спестихте 2,40 € – щастлив ден"),
    ]

    @Test("Every language prints exactly as written on every bundled model", arguments: models)
    func languages(model: String) throws {
        let profile = try profile(model)
        for sample in Self.samples {
            var encoder = ESCPOSEncoder(profile: profile)
            encoder.initialize()
            encoder.line(sample.text)
            let printed = try ESCPOSInterpreter(profile: profile).interpret(encoder.bytes)
            #expect(printed.textLines == [sample.text], "\(model) \(sample.language)")
        }
    }

    @Test("Text after ESC @ without a table selected is refused: the printer's default table is unknown")
    func noTable() throws {
        let interpreter = ESCPOSInterpreter(profile: try profile("epson-tm-t88v"))
        #expect(throws: InterpreterError.textWithoutCodePage(offset: 3, byte: 0xD5)) {
            try interpreter.interpret(hex("1B 40 41 D5 0A"))
        }
    }

    @Test("An unknown command is reported with its offset")
    func unknownCommand() throws {
        let interpreter = ESCPOSInterpreter(profile: try profile("epson-tm-t88v"))
        #expect(throws: InterpreterError.unknownCommand(offset: 1, bytes: [0x1B, 0x7A])) {
            try interpreter.interpret(hex("41 1B 7A 00"))
        }
    }

    @Test("Styles, alignment, barcode, QR, raster, cut and drawer come back as elements")
    func elements() throws {
        let profile = try profile("epson-tm-t20ii")
        var encoder = ESCPOSEncoder(profile: profile)
        encoder.initialize()
        encoder.setAlignment(.center)
        encoder.setBold(true)
        try encoder.setSize(width: 2, height: 2)
        encoder.line("BIG")
        try encoder.setSize()
        encoder.setBold(false)
        try encoder.ean13("290000000001")
        try encoder.qrCode("https://example.org/k/1")
        try encoder.image(MonochromeBitmap(rows: Array(repeating: Array(repeating: true, count: 16), count: 30)))
        encoder.cut(.partial)
        try encoder.openDrawer()
        let printed = try ESCPOSInterpreter(profile: profile).interpret(encoder.bytes)
        var big = TextStyle()
        big.bold = true
        big.widthMultiplier = 2
        big.heightMultiplier = 2
        #expect(printed.elements.first == .text([TextRun(text: "BIG", style: big)], alignment: .center))
        #expect(
            printed.elements.contains(
                .barcode(
                    symbology: "EAN-13", data: "290000000001", height: 80, moduleWidth: 3, humanReadable: true,
                    alignment: .center)))
        #expect(printed.elements.contains(.qrCode(data: "https://example.org/k/1", moduleSize: 6, alignment: .center)))
        // 30 rows in bands of 24 and 6 are joined into one picture again.
        #expect(printed.elements.contains { if case .raster(let bitmap) = $0 { bitmap.height == 30 } else { false } })
        #expect(printed.cuts == 1)
        #expect(printed.drawerPulses == 1)
    }

    @Test("Code 128 payloads read back as the encoded text, code set C digit pairs included")
    func code128() {
        #expect(ESCPOSInterpreter.code128Text(Array("{BABC-1".utf8)) == "ABC-1")
        #expect(ESCPOSInterpreter.code128Text([0x7B, 0x43, 29, 0, 5]) == "290005")
    }
}
