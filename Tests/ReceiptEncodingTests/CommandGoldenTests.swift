import Testing

@testable import ReceiptEncoding

/// Expected bytes are spelled out from Epson's ESC/POS command reference, not produced by the encoder.
@Suite("Golden bytes: basic commands")
struct CommandGoldenTests {
    @Test("ESC @ resets the printer")
    func reset() throws {
        var e = try encoder("epson-tm-t88v")
        e.initialize()
        #expect(e.bytes == hex("1B 40"))
    }

    @Test("ESC E n switches bold on and off")
    func bold() throws {
        var e = try encoder("epson-tm-t88v")
        e.setBold(true)
        e.setBold(false)
        #expect(e.bytes == hex("1B 45 01  1B 45 00"))
    }

    @Test("ESC - n selects 1-dot, 2-dot or no underline")
    func underline() throws {
        var e = try encoder("epson-tm-t88v")
        e.setUnderline(.single)
        e.setUnderline(.double)
        e.setUnderline(.none)
        #expect(e.bytes == hex("1B 2D 01  1B 2D 02  1B 2D 00"))
    }

    @Test("GS ! n: width multiplier in the high nibble, height in the low")
    func characterSize() throws {
        var e = try encoder("epson-tm-t88v")
        try e.setSize(width: 2, height: 1)
        try e.setSize(width: 1, height: 2)
        try e.setSize(width: 2, height: 2)
        try e.setSize(width: 8, height: 8)
        try e.setSize()
        #expect(e.bytes == hex("1D 21 10  1D 21 01  1D 21 11  1D 21 77  1D 21 00"))
        #expect(throws: ReceiptError.self) { try e.setSize(width: 9, height: 1) }
    }

    @Test("ESC M n selects Font A or Font B")
    func font() throws {
        var e = try encoder("epson-tm-t88v")
        e.setFont(.b)
        e.setFont(.a)
        #expect(e.bytes == hex("1B 4D 01  1B 4D 00"))
    }

    @Test("ESC a n sets left, centre or right alignment")
    func alignment() throws {
        var e = try encoder("epson-tm-t88v")
        e.setAlignment(.center)
        e.setAlignment(.right)
        e.setAlignment(.left)
        #expect(e.bytes == hex("1B 61 01  1B 61 02  1B 61 00"))
    }

    @Test("A text line is its ASCII bytes and LF")
    func textLine() throws {
        var e = try encoder("epson-tm-t88v")
        e.line("Hello")
        #expect(e.bytes == hex("48 65 6C 6C 6F 0A"))
    }

    @Test("ESC d n feeds; GS V 66 n cuts partially after feeding to the cutter")
    func feedAndCut() throws {
        var e = try encoder("epson-tm-t88v")
        e.feed(lines: 3)
        e.cut(.partial)
        e.cut(.full, feedDots: 10)
        #expect(e.bytes == hex("1B 64 03  1D 56 42 00  1D 56 41 0A"))
    }

    @Test("A printer without a cutter feeds four lines instead")
    func cutWithoutCutter() throws {
        var e = try encoder("generic-58mm")
        e.cut(.partial)
        #expect(e.bytes == hex("1B 64 04"))
    }

    @Test("Cutting ends an open text line first")
    func cutEndsLine() throws {
        var e = try encoder("epson-tm-t88v")
        e.text("A")
        e.cut(.partial)
        #expect(e.bytes == hex("41 0A  1D 56 42 00"))
    }

    @Test("ESC p m t1 t2 pulses the drawer: pin 2, 100 ms on (50 × 2 ms), 500 ms off (250 × 2 ms)")
    func drawerPulse() throws {
        var e = try encoder("epson-tm-t88v")
        try e.openDrawer()
        try e.openDrawer(pin: .pin5, onMilliseconds: 200, offMilliseconds: 400)
        #expect(e.bytes == hex("1B 70 00 32 FA  1B 70 01 64 C8"))
    }

    @Test("A drawer pulse on a printer without one is an error")
    func drawerUnsupported() {
        var e = ESCPOSEncoder(
            profile: customProfile(
                codePages: [0: "CP437"],
                features: PrinterFeatures(
                    fullCut: false, partialCut: false, qrCode: false, barcodes: false, barcodeFunctionB: false,
                    rasterImage: true, drawerPulse: false
                )))
        #expect(throws: ReceiptError.unsupportedFeature("a cash drawer pulse", printer: "Test printer")) {
            try e.openDrawer()
        }
        #expect(e.bytes.isEmpty)
    }
}
