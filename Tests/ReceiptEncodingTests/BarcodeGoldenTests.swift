import Testing

@testable import ReceiptEncoding

@Suite("Golden bytes: barcodes and QR codes")
struct BarcodeGoldenTests {
    /// GS h 80, GS w 3, GS H 2 (HRI below), GS f 0 (Font A): the default `BarcodeOptions`.
    let setup = hex("1D 68 50  1D 77 03  1D 48 02  1D 66 00")

    @Test("EAN-13 via GS k 67 with the 12 data digits (the printer adds the check digit)")
    func ean13() throws {
        var e = try encoder("epson-tm-t88v")
        try e.ean13("4006381333931")
        #expect(e.bytes == setup + hex("1D 6B 43 0C  34 30 30 36 33 38 31 33 33 33 39 33"))
    }

    @Test("EAN-13 from 12 digits is accepted; custom height, width and HRI")
    func ean13Options() throws {
        var e = try encoder("epson-tm-t88v")
        try e.ean13(
            "400638133393", options: BarcodeOptions(height: 100, moduleWidth: 2, hriPosition: .none, hriFont: .b))
        #expect(
            e.bytes == hex("1D 68 64  1D 77 02  1D 48 00  1D 66 01  1D 6B 43 0C  34 30 30 36 33 38 31 33 33 33 39 33"))
    }

    @Test("A printer with function A only gets GS k 2 … NUL")
    func ean13FunctionA() throws {
        var e = ESCPOSEncoder(
            profile: customProfile(
                codePages: [0: "CP437"],
                features: PrinterFeatures(
                    fullCut: true, partialCut: true, qrCode: true, barcodes: true, barcodeFunctionB: false,
                    rasterImage: true, drawerPulse: true
                )))
        try e.ean13("4006381333931")
        #expect(e.bytes == setup + hex("1D 6B 02  34 30 30 36 33 38 31 33 33 33 39 33 00"))
    }

    @Test("A wrong EAN-13 check digit is rejected with the right digit named")
    func ean13CheckDigit() throws {
        var e = try encoder("epson-tm-t88v")
        #expect(
            throws: ReceiptError.invalidBarcodeData(
                symbology: "EAN-13", data: "2900000000017", reason: "the check digit is 7 but should be 8")
        ) {
            try e.ean13("2900000000017")
        }
        #expect(throws: ReceiptError.self) { try e.ean13("12345") }
        #expect(throws: ReceiptError.self) { try e.ean13("40063813339A1") }
        #expect(e.bytes.isEmpty)
    }

    @Test("Code 128 text uses code set B: GS k 73 n {B data, a literal { doubled")
    func code128B() throws {
        var e = try encoder("epson-tm-t88v")
        try e.code128("AB{1")
        #expect(e.bytes == setup + hex("1D 6B 49 07  7B 42  41 42 7B 7B 31"))
    }

    @Test("Code 128 with an even number of digits uses code set C: one byte per pair")
    func code128C() throws {
        var e = try encoder("epson-tm-t88v")
        try e.code128("12345678")
        try e.code128("12345678", codeSet: .b)
        #expect(
            e.bytes == setup + hex("1D 6B 49 06  7B 43  0C 22 38 4E")
                + setup + hex("1D 6B 49 0A  7B 42  31 32 33 34 35 36 37 38"))
        #expect(throws: ReceiptError.self) { try e.code128("123", codeSet: .c) }
        #expect(throws: ReceiptError.self) { try e.code128("") }
    }

    @Test("QR via GS ( k: model 2, module size, error correction, store, print")
    func qrNative() throws {
        var e = try encoder("epson-tm-t88v")
        try e.qrCode("ABC")
        #expect(
            e.bytes
                == hex(
                    """
                    1D 28 6B 04 00 31 41 32 00
                    1D 28 6B 03 00 31 43 06
                    1D 28 6B 03 00 31 45 31
                    1D 28 6B 06 00 31 50 30 41 42 43
                    1D 28 6B 03 00 31 51 30
                    """))
    }

    @Test("QR store length is little-endian pL pH = data + 3")
    func qrLongData() throws {
        var e = try encoder("epson-tm-t20iii")
        let data = String(repeating: "x", count: 300)
        try e.qrCode(data, options: QRCodeOptions(moduleSize: 4, errorCorrection: .high))
        let store = hex("1D 28 6B 2F 01 31 50 30") + ascii(data)  // 303 = 0x012F
        #expect(
            e.bytes == hex("1D 28 6B 04 00 31 41 32 00  1D 28 6B 03 00 31 43 04  1D 28 6B 03 00 31 45 33")
                + store + hex("1D 28 6B 03 00 31 51 30"))
        #expect(throws: ReceiptError.self) { try e.qrCode("") }
        #expect(throws: ReceiptError.self) { try e.qrCode("x", options: QRCodeOptions(moduleSize: 17)) }
    }

    @Test("Barcodes end an open text line first: GS k is ignored mid-line")
    func barcodeEndsLine() throws {
        var e = try encoder("epson-tm-t88v")
        e.text("X")
        try e.code128("12")
        #expect(e.bytes == hex("58 0A") + setup + hex("1D 6B 49 03 7B 43 0C"))
    }

    @Test("A barcode too wide at the requested module width is narrowed, then refused")
    func barcodeWidth() throws {
        let e = try encoder("generic-58mm")
        #expect(try e.fittingModuleWidth(modules: 95, requested: 6, symbology: "EAN-13") == 4)  // 380 of 384 dots
        #expect(throws: ReceiptError.symbolTooWide(symbology: "CODE-128", dots: 400, available: 384)) {
            try e.fittingModuleWidth(modules: 200, requested: 3, symbology: "CODE-128")
        }
        var t88 = try encoder("epson-tm-t88v")
        try t88.code128(String(repeating: "A", count: 20), options: BarcodeOptions(moduleWidth: 3))
        // 11 × 22 + 13 = 255 modules: 3 dots is 765 > 512, 2 dots is 510 ≤ 512.
        #expect(Array(t88.bytes[3..<6]) == hex("1D 77 02"))
    }
}
