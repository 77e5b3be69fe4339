import ArgumentParser
import CCairo
import Foundation
import ReceiptEncoding
import Receipts
import Testbed

/// `loyalgate bench receipts`: receipts rendered and encoded per second for the receipt the
/// python-escpos peer prints (../shared/peers/escpos_peer.py: logo, 30 lines, QR, EAN-13), and
/// the peer itself in the same run. See docs/benchmarks-receipts.md.
struct ReceiptBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipts",
        abstract: "Receipts rendered and encoded per second, beside python-escpos's Dummy printer.")

    @Option(help: "Receipts per measurement.") var count: Int = 2000
    @Option(help: "The peer script; empty to skip it.") var peer: String = "../shared/peers/escpos_peer.py"
    @Option(help: "A Python with python-escpos 3.1.") var python: String = "/tmp/escpos-venv/bin/python"
    @Option(help: "Receipts for the peer (it is slower).") var peerCount: Int = 300

    /// The peer's card number 2900000000017 has a wrong EAN-13 check digit (it is …18), which the
    /// encoder refuses; the same content with the valid number is measured.
    static let card = "2900000000018"

    func run() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lg-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let logoPath = folder + "/logo.png"
        try Self.writeLogo(to: logoPath)
        let profile = try PrinterProfile.named("epson-tm-t88v")

        // (a) The gateway's path: document JSON -> ReceiptComposer (decode, validate, layout,
        // logo from the cache, QR footer) -> bytes.
        let template = ReceiptHeader(
            merchantName: "Apotheek De Linde", addressLines: ["Marktstraat 12, 9800 Deinze"], logo: logoPath)
        let composer = try ReceiptComposer(
            model: profile.id, template: template, options: RenderOptions(qrCode: QRCodeOptions(moduleSize: 6)))
        let json = try Self.documentJSON()
        var size = 0
        let documentRate = try Self.rate(count) {
            size = try composer.render(composer.document(json: json), logoPath: logoPath).count
        }
        print(
            String(
                format:
                    "loyalgate, document -> bytes (gateway path, logo cached): %.0f receipts/s (%.3f ms each, %d bytes)",
                documentRate, 1000 / documentRate, size))

        // (b) The peer's receipt call for call on the encoder, the logo dithered every time as
        // python-escpos converts its image on every print.
        let logo = try PNGLogo.load(path: logoPath)
        var encoded: [UInt8] = []
        let encoderRate = try Self.rate(count) { encoded = try Self.peerReceipt(profile: profile, logo: logo) }
        print(
            String(
                format:
                    "loyalgate, encoder calls as the peer (logo dithered each time): %.0f receipts/s (%.3f ms each, %d bytes)",
                encoderRate, 1000 / encoderRate, encoded.count))

        guard !peer.isEmpty else { return }
        let text = try ChildProcess.run(python, [peer, String(peerCount)], within: .seconds(3600)).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        print(text)
        guard
            let peerRate = text.split(separator: " ").firstIndex(of: "receipts/s").flatMap({
                Double(text.split(separator: " ")[$0 - 1])
            })
        else { return }
        print(
            String(
                format: "ratio loyalgate/python-escpos: document path %.1fx, encoder path %.1fx",
                documentRate / peerRate, encoderRate / peerRate))
    }

    static func rate(_ count: Int, _ body: () throws -> Void) rethrows -> Double {
        try body()  // warm-up: code page tables, logo cache
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<count { try body() }
        let elapsed = clock.now - start
        return Double(count) / elapsed.inSeconds
    }

    /// The peer's logo: 384 × 96, white, a 6-dot frame inset by 8, the shop name at (40, 36).
    static func writeLogo(to path: String) throws {
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 384, 96)
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_set_line_width(cr, 6)
        cairo_rectangle(cr, 11, 11, 362, 74)
        cairo_stroke(cr)
        cairo_move_to(cr, 40, 48)
        cairo_show_text(cr, "APOTHEEK DE LINDE")
        cairo_destroy(cr)
        guard cairo_surface_write_to_png(surface, path) == CAIRO_STATUS_SUCCESS else {
            throw ValidationError("cannot write \(path)")
        }
    }

    static func documentJSON() throws -> Data {
        let lines = (0..<30).map {
            ["description": String(format: "Artikel %02d", $0), "amount": String(format: "%.2f", 1.99 + Double($0))]
        }
        let document: [String: Any] = [
            "language": "nl", "currency": "EUR",
            "lines": lines,
            "totals": [["label": "TOTAAL", "amount": "524.70", "emphasized": true]],
            "loyalty": [
                "cardNumber": card, "discountEarned": "12.40",
                "message": "Gespaarde korting: EUR 12,40 (besteedbaar vanaf EUR 5,00)",
            ],
            "footer": ["barcode": ["type": "QR", "data": "https://example.org/k/\(card)"]],
        ]
        return try JSONSerialization.data(withJSONObject: document)
    }

    static func peerReceipt(profile: PrinterProfile, logo: RasterImage) throws -> [UInt8] {
        var e = ESCPOSEncoder(profile: profile)
        e.initialize()
        e.setAlignment(.center)
        try e.image(logo)
        e.setBold(true)
        try e.setSize(width: 1, height: 2)
        e.line("Apotheek De Linde")
        try e.setSize()
        e.setBold(false)
        e.line("Marktstraat 12, 9800 Deinze")
        e.setAlignment(.left)
        for i in 0..<30 { e.columns(String(format: "Artikel %02d", i), String(format: "%5.2f", 1.99 + Double(i))) }
        e.setBold(true)
        e.columns("TOTAAL", "524.70")
        e.setBold(false)
        e.line("Gespaarde korting: EUR 12,40 (besteedbaar vanaf EUR 5,00)")
        try e.qrCode("https://example.org/k/\(card)", options: QRCodeOptions(moduleSize: 6))
        try e.ean13(card)
        e.cut()
        return e.bytes
    }
}
