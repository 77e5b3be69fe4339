import Testing

@testable import ReceiptEncoding

@Suite("Golden bytes: raster fallbacks on the generic 58 mm printer")
struct FallbackGoldenTests {
    /// A 21×21 matrix with only the top-left and bottom-right modules dark.
    let matrix: [[Bool]] = (0..<21).map { row in
        (0..<21).map { column in (row, column) == (0, 0) || (row, column) == (20, 20) }
    }

    @Test("QR without GS ( k: the module matrix as GS v 0 bands, 8 dots per module, 4-module quiet zone, centred")
    func qrRaster() throws {
        var e = try encoder("generic-58mm")
        e.setAlignment(.center)
        try e.qrCode(
            "https://example.org/k/2900000000018", options: QRCodeOptions(moduleSize: 8), fallbackMatrix: matrix)

        // (21 + 8) × 8 = 232 dots = 29 bytes; (384 − 232) / 8 = 19 spare bytes, 9 on the left: 38 per row.
        // 232 rows: nine bands of 24 and one of 16.
        let perRow = 38
        var image = [UInt8](repeating: 0, count: perRow * 232)
        for y in 32..<40 { image[y * perRow + 9 + 4] = 0xFF }  // module (0,0): dots 32–39 of the symbol
        for y in 192..<200 { image[y * perRow + 9 + 24] = 0xFF }  // module (20,20): (4 + 20) × 8 = 192
        var expected = hex("1B 61 01")
        for band in 0..<10 {
            let rows = band < 9 ? 24 : 16
            expected += hex("1D 76 30 00 26 00") + [UInt8(rows), 0]
            expected += image[(band * 24 * perRow)..<((band * 24 + rows) * perRow)]
        }
        #expect(e.bytes == expected)
    }

    @Test("QR without GS ( k and without a matrix is a clear error")
    func qrWithoutMatrix() throws {
        var e = try encoder("generic-58mm")
        #expect(
            throws: ReceiptError.missingSymbolMatrix(
                symbology: "QR", printer: "Generic 58 mm ESC/POS printer (POS-58 class)")
        ) {
            try e.qrCode("hello")
        }
        #expect(throws: ReceiptError.self) { try e.qrCode("hello", fallbackMatrix: [[true, false], [false, true]]) }
    }

    @Test("A QR matrix too large for the module size is drawn with smaller modules")
    func qrShrinks() throws {
        var e = try encoder("generic-58mm")
        let big = [[Bool]](repeating: [Bool](repeating: false, count: 57), count: 57)
        try e.qrCode("x", options: QRCodeOptions(moduleSize: 8), fallbackMatrix: big)
        // 65 modules: 8 dots would be 520 > 384; 5 dots = 325 fits. 325 dots = 41 bytes, left aligned.
        #expect(Array(e.bytes.prefix(8)) == hex("1D 76 30 00 29 00 18 00"))
    }

    @Test("The EAN-13 bar pattern: guards, L/G parity from the first digit (4: LGLLGG), R codes")
    func ean13Modules() throws {
        let pattern =
            "101" + "0001101" + "0100111" + "0101111" + "0111101" + "0001001" + "0110011" + "01010"
            + "1000010" + "1000010" + "1000010" + "1110100" + "1000010" + "1100110" + "101"
        let modules = EAN13.modules(for: try EAN13.validated("4006381333931"))
        #expect(modules.count == 95)
        #expect(String(modules.map { $0 ? "1" : "0" }) == pattern)
    }

    @Test("EAN-13 without GS k: bars as GS v 0 (3 dots per module, 11-module quiet zones), digits as text below")
    func ean13Raster() throws {
        var e = try encoder("generic-58mm")
        e.setAlignment(.center)
        try e.ean13("4006381333931")
        // (95 + 22) × 3 = 351 dots = 44 bytes; (384 − 351) / 8 = 4 spare, 2 on the left: 46 per row.
        // 80 rows (the default height): bands of 24, 24, 24 and 8.
        let bytes = e.bytes
        #expect(Array(bytes.prefix(11)) == hex("1B 61 01  1D 76 30 00 2E 00 18 00"))
        let headers = [3, 3 + 8 + 46 * 24, 3 + 2 * (8 + 46 * 24), 3 + 3 * (8 + 46 * 24)]
        #expect(Array(bytes[headers[3]..<(headers[3] + 8)]) == hex("1D 76 30 00 2E 00 08 00"))
        let firstRow = Array(bytes[(headers[0] + 8)..<(headers[0] + 8 + 46)])
        // White: 2 pad bytes, then 33 quiet dots (4 bytes + 1 dot); the start guard 101 is dots 33–41 of the symbol.
        #expect(Array(firstRow.prefix(6)) == hex("00 00 00 00 00 00"))
        #expect(firstRow[6] == 0b0111_0001)  // symbol dots 32–39: white, bar 33–35, space 36–38, bar from 39
        let hri = Array(bytes.suffix(14))
        #expect(hri == ascii("4006381333931\n"))
    }

    @Test("Code 128 without GS k needs the bar modules from the caller")
    func code128Raster() throws {
        var e = try encoder("generic-58mm")
        #expect(
            throws: ReceiptError.missingSymbolMatrix(
                symbology: "CODE-128", printer: "Generic 58 mm ESC/POS printer (POS-58 class)")
        ) {
            try e.code128("ABC")
        }
        try e.code128(
            "AB", options: BarcodeOptions(height: 2, moduleWidth: 2, hriPosition: .none),
            fallbackModules: [true, false, true, true])
        // (4 + 20) × 2 = 48 dots = 6 bytes; quiet 10 modules = 20 dots; bars at dots 20–21 and 24–27.
        #expect(e.bytes == hex("1D 76 30 00 06 00 02 00  00 00 0C F0 00 00  00 00 0C F0 00 00"))
    }
}
