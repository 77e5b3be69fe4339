import Foundation
import Testbed

/// What came out of the "printer", read with the tools a technician would use: poppler's
/// pdfinfo, pdftoppm and pdftotext, and zbarimg as a stand-in for the till's scanner.
enum PrintedCards {
    struct Page {
        var size: String
        /// zbarimg's reading, `TYPE:data` (EAN-13:…, CODE-128:…, QR-Code:…).
        var barcodes: [String]
        var text: String

        /// The 13-digit numbers printed as text on the page, spaces of grouping removed.
        var printedNumbers: [String] {
            let squeezed = text.replacingOccurrences(of: #"(\d{4}) (?=\d)"#, with: "$1", options: .regularExpression)
            return squeezed.matches(of: /\d{13}/).map { String($0.output) }
        }
    }

    /// Every page of a PDF, rasterised at `dpi` and scanned.
    static func pages(of pdf: Data, dpi: Int = 300, scan: Bool = true) throws -> [Page] {
        let folder = Loyalgate.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/job.pdf"
        try pdf.write(to: URL(fileURLWithPath: file))
        let info = try tool("pdfinfo", ["-f", "1", "-l", "100000", file])
        let sizes = info.split(separator: "\n").filter { $0.hasPrefix("Page") && $0.contains("size:") }
            .map { String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) }
        if scan { _ = try tool("pdftoppm", ["-r", String(dpi), "-png", file, folder + "/page"]) }
        let width = String(sizes.count).count
        return try sizes.enumerated().map { index, size in
            let number = index + 1
            let text = try tool("pdftotext", ["-f", String(number), "-l", String(number), "-layout", file, "-"])
            var barcodes: [String] = []
            if scan {
                let png =
                    folder + "/page-" + String(repeating: "0", count: max(0, width - String(number).count))
                    + String(number) + ".png"
                // zbarimg exits 4 when it finds no barcode: that is a result, not a failure.
                barcodes = try tool("zbarimg", ["-q", png], allowing: [0, 4]).split(separator: "\n").map(String.init)
            }
            return Page(size: size, barcodes: barcodes, text: text)
        }
    }

    /// ID-1 in points, as pdfinfo prints it.
    static let id1 = "242.646 x 153.014 pts"

    @discardableResult
    static func tool(_ name: String, _ arguments: [String], allowing: Set<Int32> = [0]) throws -> String {
        let result = try ChildProcess.run("/usr/bin/" + name, arguments)
        guard allowing.contains(result.status) else {
            throw CoreProcess.SetupError(
                "\(name) \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result.stdout
    }

    /// A query on the data folder's database, one row per line.
    static func sql(_ data: String, _ query: String) throws -> [String] {
        try tool("sqlite3", [data + "/loyalgate.sqlite", query]).split(separator: "\n").map(String.init)
    }
}
