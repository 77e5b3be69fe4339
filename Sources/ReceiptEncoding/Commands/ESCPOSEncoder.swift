/// Builds the byte stream for one ESC/POS print job on one printer model.
///
/// Every method appends the commands for one action to `bytes`. The encoder knows the profile,
/// so it measures lines in that printer's columns, picks that printer's code page numbers and
/// falls back to raster images where the printer lacks a command. It keeps the few modes that
/// affect later output (font and size for column counts, the current code page).
public struct ESCPOSEncoder: Sendable {
    public let profile: PrinterProfile
    /// Rows per `GS v 0` command, 1 to 2400; see `init`.
    public var rasterBandRows: Int {
        didSet { rasterBandRows = min(max(rasterBandRows, 1), 2400) }
    }
    public internal(set) var bytes: [UInt8] = []
    public private(set) var font: PrinterFont = .a
    public private(set) var widthMultiplier = 1
    public private(set) var heightMultiplier = 1
    /// The last `ESC a`; the raster fallbacks for barcodes and QR codes imitate it by padding.
    public private(set) var alignment: Alignment = .left
    var codePages: CodePageEncoder
    /// Text has been sent since the last line feed. Barcodes and images are only accepted at the
    /// start of a line (otherwise the printer prints their bytes as text), so they end it first.
    var lineOpen = false

    /// - Parameter rasterBandRows: images are sent as `GS v 0` commands of at most this many rows.
    ///   24 rows is one line of Font A, so the printer prints an image band by band as it prints
    ///   text. A 576-dot band is then 72 × 24 = 1,728 bytes, which fits the small receive buffers
    ///   (4 KB and less) of budget printers; the failures collected in the research notes (garbage
    ///   and stalls after large images on USB and serial: python-escpos #251, #628, escpos-php #8,
    ///   #222) come from single commands far larger than that. The cost is 8 header bytes per band.
    public init(profile: PrinterProfile, rasterBandRows: Int = 24) {
        self.profile = profile
        self.rasterBandRows = min(max(rasterBandRows, 1), 2400)
        codePages = CodePageEncoder(profile: profile)
    }

    /// Characters that fit on a line in the current font and width.
    public var columnsPerLine: Int {
        profile.columns(font: font, widthMultiplier: widthMultiplier)
    }

    /// The code page the printer is in, as far as the encoder knows.
    public var currentCodePage: UInt8? { codePages.currentPage }

    /// Appends bytes as they are, for commands this encoder does not model.
    public mutating func raw(_ data: [UInt8]) {
        bytes += data
    }

    /// `ESC @`: resets the printer. Its code page after the reset is whatever its memory switches
    /// say, so the encoder forgets the current page.
    public mutating func initialize() {
        bytes += ESCPOS.initialize
        font = .a
        widthMultiplier = 1
        heightMultiplier = 1
        alignment = .left
        lineOpen = false
        codePages.invalidate()
    }

    public mutating func setBold(_ on: Bool) {
        bytes += ESCPOS.bold(on)
    }

    public mutating func setUnderline(_ mode: Underline) {
        bytes += ESCPOS.underline(mode)
    }

    /// `GS !`: each of `width` and `height` is a multiplier from 1 to 8. Double width halves the
    /// columns a line holds.
    public mutating func setSize(width: Int = 1, height: Int = 1) throws(ReceiptError) {
        guard (1...8).contains(width), (1...8).contains(height) else {
            throw .invalidArgument("character size multipliers are 1 to 8, not \(width)×\(height)")
        }
        bytes += ESCPOS.characterSize(width: width, height: height)
        widthMultiplier = width
        heightMultiplier = height
    }

    /// `ESC M`. Some printers fall back to their default code page on a font change, so the
    /// next non-ASCII character re-selects its page.
    public mutating func setFont(_ font: PrinterFont) {
        bytes += ESCPOS.font(font)
        self.font = font
        codePages.invalidate()
    }

    /// `ESC a`: takes effect from the start of the next line.
    public mutating func setAlignment(_ alignment: Alignment) {
        bytes += ESCPOS.alignment(alignment)
        self.alignment = alignment
    }

    /// `text` reduced to what this printer prints, for measuring before printing.
    public func printable(_ text: String) -> PrintableText {
        codePages.printable(text)
    }

    /// Sends text without ending the line.
    public mutating func text(_ text: String) {
        self.text(printable(text))
    }

    public mutating func text(_ text: PrintableText) {
        guard !text.isEmpty else { return }
        bytes += codePages.encode(text)
        lineOpen = true
    }

    /// Sends text and ends the line. Text longer than a line is wrapped by the printer itself.
    public mutating func line(_ text: String = "") {
        line(printable(text))
    }

    public mutating func line(_ text: PrintableText) {
        bytes += codePages.encode(text)
        bytes.append(ESCPOS.lineFeed)
        lineOpen = false
    }

    /// One or more lines with `left` at the start and `right` flush with the end of the line,
    /// measured in the current font and width: "Total ........ 12.50" with `fill: "."`.
    public mutating func columns(
        _ left: String, _ right: String, fill: Unicode.Scalar = " ", overflow: Overflow = .truncate
    ) {
        let lines = ColumnLayout.twoColumns(
            left: printable(left), right: printable(right), width: columnsPerLine, fill: fill, overflow: overflow
        )
        for text in lines { line(text) }
    }

    /// `ESC d n`: prints what is buffered and feeds `lines` more.
    public mutating func feed(lines: Int) {
        bytes += ESCPOS.feed(lines: UInt8(min(max(lines, 0), 255)))
        lineOpen = false
    }

    /// `GS V` with feed: moves the last line past the cutter, then cuts (`feedDots` extra dots).
    /// A partial cut on a printer without one becomes a full cut; a printer without a cutter gets
    /// four lines fed so the receipt can be torn off below the text.
    public mutating func cut(_ mode: CutMode = .partial, feedDots: Int = 0) {
        endLine()
        let features = profile.features
        let dots = UInt8(min(max(feedDots, 0), 255))
        if mode == .partial, features.partialCut {
            bytes += ESCPOS.cut(.partial, feedDots: dots)
        } else if features.fullCut {
            bytes += ESCPOS.cut(.full, feedDots: dots)
        } else if features.partialCut {
            bytes += ESCPOS.cut(.partial, feedDots: dots)
        } else {
            bytes += ESCPOS.feed(lines: 4)
        }
    }

    /// `ESC p`: kicks the cash drawer. Times are rounded to the command's 2 ms steps; 100 ms on
    /// and 500 ms off open common solenoid drawers without overheating them.
    public mutating func openDrawer(pin: DrawerPin = .pin2, onMilliseconds: Int = 100, offMilliseconds: Int = 500)
        throws(ReceiptError)
    {
        guard profile.features.drawerPulse else {
            throw .unsupportedFeature("a cash drawer pulse", printer: profile.name)
        }
        bytes += ESCPOS.pulse(
            pin,
            onUnits: UInt8(min(max(onMilliseconds / 2, 1), 255)),
            offUnits: UInt8(min(max(offMilliseconds / 2, 1), 255))
        )
    }

    /// Ends a line that text left open, so the next command starts at the left margin.
    mutating func endLine() {
        if lineOpen {
            bytes.append(ESCPOS.lineFeed)
            lineOpen = false
        }
    }
}
