import Testing

@testable import ReceiptEncoding

@Suite("Golden bytes: raster images via GS v 0")
struct RasterGoldenTests {
    @Test("A 16×3 bitmap is one band: GS v 0 m=0, xL xH = 2 bytes, yL yH = 3 rows, then the rows")
    func smallImage() throws {
        var e = try encoder("epson-tm-t88v")
        let rows: [[Bool]] = [
            (0..<16).map { $0 < 8 },  // FF 00
            (0..<16).map { $0 % 2 == 0 },  // AA AA
            (0..<16).map { $0 == 15 },  // 00 01
        ]
        try e.image(MonochromeBitmap(rows: rows))
        #expect(e.bytes == hex("1D 76 30 00  02 00  03 00  FF 00  AA AA  00 01"))
    }

    @Test("A 50-row image is sent in bands of 24, 24 and 2 rows")
    func bands() throws {
        var e = try encoder("epson-tm-t88v")
        try e.image(MonochromeBitmap(width: 16, height: 50))
        let zeros = { (rows: Int) in [UInt8](repeating: 0, count: 2 * rows) }
        #expect(
            e.bytes == hex("1D 76 30 00 02 00 18 00") + zeros(24)
                + hex("1D 76 30 00 02 00 18 00") + zeros(24)
                + hex("1D 76 30 00 02 00 02 00") + zeros(2))
    }

    @Test("The band height is configurable (256 rows: one band for 50 rows)")
    func bandHeight() throws {
        var e = ESCPOSEncoder(profile: try profile("epson-tm-t88v"), rasterBandRows: 256)
        try e.image(MonochromeBitmap(width: 8, height: 50))
        #expect(e.bytes == hex("1D 76 30 00 01 00 32 00") + [UInt8](repeating: 0, count: 50))
    }

    @Test("Centring pads with whole white bytes: (512 − 16) / 8 = 62 spare, 31 on the left")
    func centred() throws {
        var e = try encoder("epson-tm-t88v")
        try e.image(MonochromeBitmap(rows: [(0..<16).map { _ in true }]), alignment: .center)
        #expect(e.bytes == hex("1D 76 30 00  21 00  01 00") + [UInt8](repeating: 0, count: 31) + hex("FF FF"))
        var right = try encoder("epson-tm-t88v")
        try right.image(MonochromeBitmap(rows: [(0..<16).map { _ in true }]), alignment: .right)
        #expect(right.bytes == hex("1D 76 30 00  40 00  01 00") + [UInt8](repeating: 0, count: 62) + hex("FF FF"))
    }

    @Test("Floyd–Steinberg: 128 rounds to white, its error −127 × 7/16 makes the next 128 black")
    func floydSteinberg() throws {
        var e = try encoder("epson-tm-t88v")
        try e.image(RasterImage(width: 2, height: 1, pixels: [128, 128]))
        #expect(e.bytes == hex("1D 76 30 00 01 00 01 00  40"))
    }

    @Test("Floyd–Steinberg keeps black and white as they are, and makes mid-gray half black")
    func ditherExtremes() throws {
        let white = Dithering.floydSteinberg.apply(width: 8, height: 2, luminance: Array(repeating: 255, count: 16))
        let black = Dithering.floydSteinberg.apply(width: 8, height: 2, luminance: Array(repeating: 0, count: 16))
        #expect(white.data == [0x00, 0x00] && black.data == [0xFF, 0xFF])
        let gray = Dithering.floydSteinberg.apply(
            width: 64, height: 64, luminance: Array(repeating: 127.5, count: 64 * 64))
        let dots = gray.data.reduce(0) { $0 + $1.nonzeroBitCount }
        #expect(abs(dots - 2048) < 64)
    }

    @Test("RGBA: transparent pixels are paper; threshold dithering cuts at the level")
    func rgbaAndThreshold() throws {
        var e = try encoder("epson-tm-t88v")
        let pixels: [UInt8] = [
            0, 0, 0, 255,  // opaque black → black
            0, 0, 0, 0,  // transparent black → white
            255, 255, 255, 255,  // white
            90, 90, 90, 255,  // dark gray → black below 128
        ]
        try e.image(RasterImage(width: 4, height: 1, pixels: pixels, format: .rgba8), dithering: .threshold(128))
        #expect(e.bytes == hex("1D 76 30 00 01 00 01 00  90"))
    }

    @Test("A picture wider than the printer is scaled down to its width")
    func scaledToWidth() throws {
        var e = try encoder("epson-tm-t88v")
        try e.image(RasterImage(width: 1024, height: 2, pixels: [UInt8](repeating: 0, count: 2048)))
        #expect(e.bytes == hex("1D 76 30 00 40 00 01 00") + [UInt8](repeating: 0xFF, count: 64))
    }

    @Test("Bad images are refused with a reason")
    func badImages() throws {
        #expect(throws: ReceiptError.invalidImage("2×2 gray8 needs 4 bytes, got 3")) {
            try RasterImage(width: 2, height: 2, pixels: [0, 0, 0])
        }
        #expect(throws: ReceiptError.self) { try RasterImage(width: 0, height: 2, pixels: []) }
        var e = try encoder("generic-58mm")
        #expect(throws: ReceiptError.symbolTooWide(symbology: "image", dots: 400, available: 384)) {
            try e.image(MonochromeBitmap(width: 400, height: 1))
        }
    }
}
