import Foundation
import Testing

@testable import ReceiptEncoding

@Suite("Receipt renderer")
struct ReceiptRendererTests {
    let eanSetup = hex("1D 68 50  1D 77 03  1D 48 02  1D 66 00")

    @Test("A small receipt on the TM-T88V, byte for byte")
    func smallReceiptGolden() throws {
        let document = ReceiptDocument(
            header: ReceiptHeader(merchantName: "Shop"),
            lines: [ReceiptLine(description: "Tea", amount: "2.50")],
            totals: [ReceiptTotal(label: "Total", amount: "2.50", emphasized: true)],
            footer: ReceiptFooter(lines: ["Thanks"], barcode: FooterBarcode(.ean13, data: "4006381333931"))
        )
        let bytes = try ReceiptRenderer(profile: profile("epson-tm-t88v")).render(document)
        var expected = hex("1B 40  1B 61 01  1B 45 01  1D 21 01") + ascii("Shop\n")
        expected += hex("1D 21 00  1B 45 00  1B 61 00  0A")
        expected += ascii("Tea" + String(repeating: " ", count: 35) + "2.50\n")
        expected += ascii(String(repeating: "-", count: 42) + "\n")
        expected += hex("1B 45 01") + ascii("Total " + String(repeating: ".", count: 31) + " 2.50\n") + hex("1B 45 00")
        expected += hex("0A  1B 61 01") + ascii("Thanks\n")
        expected += eanSetup + hex("1D 6B 43 0C  34 30 30 36 33 38 31 33 33 33 39 33")
        expected += hex("1B 61 00  1D 56 42 00")
        #expect(bytes == expected)
    }

    @Test("Bulgarian loyalty block: labels in CP866, masked card, decimal comma")
    func bulgarianLoyalty() throws {
        let document = ReceiptDocument(
            language: "bg", header: ReceiptHeader(merchantName: "Аптека"), lines: [],
            loyalty: LoyaltyBlock(cardNumber: "2900000000018", discountEarned: "0.93")
        )
        let bytes = try ReceiptRenderer(profile: profile("epson-tm-t88v")).render(document)
        let card = hex("8A A0 E0 E2 A0") + [UInt8](repeating: 0x20, count: 24) + ascii("*********0018\n")
        let discount =
            hex("91 AF A5 E7 A5 AB A5 AD A0 20 AE E2 E1 E2 EA AF AA A0") + [UInt8](repeating: 0x20, count: 20)
            + ascii("0,93\n")
        let rule = ascii(String(repeating: "-", count: 42) + "\n")
        // Rule after the (empty) items, rule opening the loyalty block, card line, discount line.
        let block = rule + rule + card + discount
        #expect(bytes.contains(block))
        // The merchant name selected CP866 already; the block needs no second ESC t.
        #expect(bytes.count(of: hex("1B 74 11")) == 1)
    }

    @Test("German receipt on the generic 58 mm printer: 32 columns, CP1252, no cutter")
    func germanGeneric() throws {
        let document = ReceiptDocument(
            language: "de", currency: "€", header: ReceiptHeader(merchantName: "Bäckerei"),
            lines: [ReceiptLine(description: "Brötchen", qty: 4, amount: "1.60")],
            totals: [ReceiptTotal(label: "Summe", amount: "1.60")]
        )
        let bytes = try ReceiptRenderer(profile: profile("generic-58mm")).render(document)
        // "4 x Brötchen" (12) + 16 spaces + "1,60"; ö is F6 in CP1252 (ESC t 16 was sent for ä).
        #expect(
            bytes.contains(ascii("4 x Br") + hex("F6") + ascii("tchen" + String(repeating: " ", count: 16) + "1,60\n")))
        // "Summe" + " " + 19 dots + " " + "€ 1,60" (€ = 80).
        #expect(
            bytes.contains(ascii("Summe " + String(repeating: ".", count: 19) + " ") + hex("80") + ascii(" 1,60\n")))
        #expect(bytes.count(of: hex("1B 74 10")) == 1)
        #expect(Array(bytes.suffix(3)) == hex("1B 64 04"))
    }

    @Test("QR footer on the generic printer: raster from the matrix, no GS ( k; without a matrix an error")
    func qrFallback() throws {
        let document = ReceiptDocument(
            header: ReceiptHeader(merchantName: "Shop"), lines: [],
            footer: ReceiptFooter(barcode: FooterBarcode(.qr, data: "https://example.org/k/2900000000018"))
        )
        let renderer = ReceiptRenderer(profile: try profile("generic-58mm"))
        #expect(
            throws: ReceiptError.missingSymbolMatrix(
                symbology: "QR", printer: "Generic 58 mm ESC/POS printer (POS-58 class)")
        ) {
            try renderer.render(document)
        }
        let matrix = (0..<25).map { row in (0..<25).map { ($0 + row) % 3 == 0 } }
        let bytes = try renderer.render(document, symbolMatrix: matrix)
        #expect(!bytes.contains(hex("1D 28 6B")))
        // (25 + 8) × 6 = 198 dots = 25 bytes; (384 − 198) / 8 = 23 spare, 11 left: 36 per row.
        #expect(bytes.contains(hex("1D 76 30 00 24 00 18 00")))
    }

    @Test("The receipt the benchmark peer prints (logo, 30 lines, QR, EAN-13) on the TM-T88V")
    func peerReceipt() throws {
        var lines: [ReceiptLine] = []
        for index in 0..<30 {
            let cents = 199 + 100 * index
            lines.append(
                ReceiptLine(
                    description: String(format: "Artikel %02d", index),
                    amount: "\(cents / 100).\(String(format: "%02d", cents % 100))"))
        }
        let document = ReceiptDocument(
            language: "nl",
            header: ReceiptHeader(
                merchantName: "Apotheek De Linde", addressLines: ["Marktstraat 12, 9800 Deinze"], logo: "linde"),
            lines: lines, totals: [ReceiptTotal(label: "TOTAAL", amount: "524.70", emphasized: true)],
            footer: ReceiptFooter(
                lines: ["Gespaarde korting: EUR 12,40 (besteedbaar vanaf EUR 5,00)"],
                barcode: FooterBarcode(.qr, data: "https://example.org/k/2900000000018")
            )
        )
        var logoPixels = [UInt8](repeating: 255, count: 384 * 96)
        for y in 8..<88 {
            for x in 8..<376 where y < 14 || y >= 82 || x < 14 || x >= 370 { logoPixels[y * 384 + x] = 0 }
        }
        let logo = try RasterImage(width: 384, height: 96, pixels: logoPixels)
        var bytes = try ReceiptRenderer(profile: profile("epson-tm-t88v"), options: RenderOptions(cut: .full)).render(
            document, logo: logo)

        // The logo: 384 of 512 dots, 8 bytes of padding, 56 bytes a row, four bands of 24 rows.
        #expect(bytes.count(of: hex("1D 76 30 00 38 00 18 00")) == 4)
        #expect(bytes.contains(ascii("Artikel 29" + String(repeating: " ", count: 27) + "30,99\n")))
        #expect(bytes.contains(hex("1D 28 6B 26 00 31 50 30") + ascii("https://example.org/k/2900000000018")))
        #expect(Array(bytes.suffix(4)) == hex("1D 56 41 00"))

        // The EAN-13 the peer adds separately, printed with the encoder directly.
        var encoder = ESCPOSEncoder(profile: try profile("epson-tm-t88v"))
        encoder.setAlignment(.center)
        try encoder.ean13("2900000000018")
        bytes += encoder.bytes
        #expect(bytes.count < 8000)
    }
}

extension Array where Element == UInt8 {
    /// Whether `needle` occurs as a contiguous run.
    func contains(_ needle: [UInt8]) -> Bool {
        count(of: needle) > 0
    }

    /// Non-overlapping occurrences of `needle`.
    func count(of needle: [UInt8]) -> Int {
        guard !needle.isEmpty, needle.count <= count else { return 0 }
        var found = 0
        var index = 0
        while index + needle.count <= count {
            if self[index..<(index + needle.count)].elementsEqual(needle) {
                found += 1
                index += needle.count
            } else {
                index += 1
            }
        }
        return found
    }
}
