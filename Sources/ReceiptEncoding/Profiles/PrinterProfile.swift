/// One printer model's capabilities, as read from `Resources/printer-profiles.json`.
///
/// The data is derived from escpos-printer-db (CC BY 4.0, see `Resources/README.md`). It is kept
/// as JSON rather than Swift literals so that a site can add or correct a model without a rebuild
/// (see `ProfileCatalog.init(jsonData:)`).
public struct PrinterProfile: Sendable, Hashable, Codable {
    /// Stable id used in configuration, e.g. `epson-tm-t88v`.
    public let id: String
    /// Other ids that select this profile, e.g. `epson-tm-t88vi`.
    public let aliases: [String]
    public let vendor: String
    public let name: String
    /// Where the data comes from (escpos-printer-db file).
    public let source: String
    /// Assumptions and deviations from the source, for whoever debugs a print.
    public let notes: String
    /// Printable dots per line: the widest raster image and the limit for barcodes.
    public let dotsPerLine: Int
    public let dpi: Int
    /// Width of the paper roll the profile is set up for.
    public let paperWidthMM: Double
    /// Width of the printable area on that roll.
    public let printWidthMM: Double
    /// Characters per line for each font at normal width.
    public let fonts: FontColumns
    public let codePageCommand: CodePageCommand
    /// Table number (the `n` of `ESC t n` or `ESC GS t n`) to encoding name, as in
    /// escpos-printer-db (`CP858`, `CP1252`, `ISO_8859-15`, ...).
    public let codePages: [Int: String]
    public let features: PrinterFeatures

    public init(
        id: String, aliases: [String] = [], vendor: String, name: String, source: String = "",
        notes: String = "", dotsPerLine: Int, dpi: Int, paperWidthMM: Double, printWidthMM: Double,
        fonts: FontColumns, codePageCommand: CodePageCommand, codePages: [Int: String],
        features: PrinterFeatures
    ) {
        self.id = id
        self.aliases = aliases
        self.vendor = vendor
        self.name = name
        self.source = source
        self.notes = notes
        self.dotsPerLine = dotsPerLine
        self.dpi = dpi
        self.paperWidthMM = paperWidthMM
        self.printWidthMM = printWidthMM
        self.fonts = fonts
        self.codePageCommand = codePageCommand
        self.codePages = codePages
        self.features = features
    }

    /// The bundled profile for `id` (or one of its aliases, case-insensitive).
    public static func named(_ id: String) throws(PrinterProfileError) -> PrinterProfile {
        try ProfileCatalog.bundled().profile(id)
    }

    /// Characters per line in `font` when characters are `widthMultiplier` times as wide.
    public func columns(font: PrinterFont, widthMultiplier: Int = 1) -> Int {
        max(1, fonts[font] / max(1, widthMultiplier))
    }

    /// Catches data that would make the encoder emit commands the printer rejects.
    func check() throws(PrinterProfileError) {
        func fail(_ why: String) -> PrinterProfileError {
            .invalidProfileData("profile \"\(id)\": \(why)")
        }
        guard !id.isEmpty else { throw fail("the id is empty") }
        guard dotsPerLine >= 8, dotsPerLine <= 2048 else { throw fail("dotsPerLine \(dotsPerLine) is out of range") }
        guard fonts.fontA > 0, fonts.fontB > 0 else { throw fail("font columns must be positive") }
        if let bad = codePages.keys.first(where: { !(0...255).contains($0) }) {
            throw fail("code page number \(bad) is not a byte")
        }
    }
}
