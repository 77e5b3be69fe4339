/// Lays a `ReceiptDocument` out for one printer model and returns the bytes to send.
///
/// The layout, top to bottom: logo, merchant name (bold, double height), address, items
/// ("2 x Description" left, amount right, long descriptions wrapped), a rule, totals with dot
/// leaders (emphasized ones bold), payments, the loyalty block, footer text and footer symbol,
/// then the cut. Everything is centred or measured in the printer's own columns.
public struct ReceiptRenderer: Sendable {
    public let profile: PrinterProfile
    public var options: RenderOptions
    /// An encoder with nothing sent yet. Building one sets up the printer's code page tables;
    /// a renderer is made once per printer and copies this for every receipt instead.
    private let blankEncoder: ESCPOSEncoder

    public init(profile: PrinterProfile, options: RenderOptions = RenderOptions()) {
        self.profile = profile
        self.options = options
        blankEncoder = ESCPOSEncoder(profile: profile)
    }

    /// - Parameters:
    ///   - logo: the picture behind `header.logo`, decoded by the caller; printed when given.
    ///   - symbolMatrix: modules of the footer symbol (from libzint), needed only when the printer
    ///     cannot draw it: a square QR matrix, or for CODE-128 a single row of bars. EAN-13 is
    ///     drawn here without help.
    public func render(_ document: ReceiptDocument, logo: RasterImage? = nil, symbolMatrix: [[Bool]]? = nil)
        throws(ReceiptError) -> [UInt8]
    {
        let bitmap = logo?.monochrome(maxWidth: profile.dotsPerLine, dithering: options.logoDithering)
        return try render(document, logoBitmap: bitmap, symbolMatrix: symbolMatrix)
    }

    /// As `render(_:logo:symbolMatrix:)`, with the logo already reduced to dots (see
    /// `RasterImage.monochrome(maxWidth:dithering:)`), so a busy till dithers it only once.
    public func render(_ document: ReceiptDocument, logoBitmap: MonochromeBitmap?, symbolMatrix: [[Bool]]? = nil)
        throws(ReceiptError) -> [UInt8]
    {
        try document.validate()
        let labels = ReceiptLabels(language: document.language, overrides: document.labels)
        var encoder = blankEncoder
        encoder.rasterBandRows = options.rasterBandRows
        encoder.initialize()
        // validate() has made sure there is a header.
        if let header = document.header { try self.header(header, logo: logoBitmap, into: &encoder) }
        body(document, labels: labels, into: &encoder)
        if let loyalty = document.loyalty { self.loyalty(loyalty, labels: labels, into: &encoder) }
        if let footer = document.footer { try self.footer(footer, symbolMatrix: symbolMatrix, into: &encoder) }
        encoder.cut(options.cut)
        if options.openDrawer, profile.features.drawerPulse { try encoder.openDrawer() }
        return encoder.bytes
    }

    private func header(_ header: ReceiptHeader, logo: MonochromeBitmap?, into encoder: inout ESCPOSEncoder)
        throws(ReceiptError)
    {
        encoder.setAlignment(.center)
        if let logo { try encoder.image(logo) }
        encoder.setBold(true)
        try encoder.setSize(width: 1, height: 2)
        encoder.line(header.merchantName)
        try encoder.setSize(width: 1, height: 1)
        encoder.setBold(false)
        for line in header.addressLines { encoder.line(line) }
        encoder.setAlignment(.left)
        encoder.line()
    }

    private func body(_ document: ReceiptDocument, labels: ReceiptLabels, into encoder: inout ESCPOSEncoder) {
        let separator = labels.decimalSeparator
        for item in document.lines {
            let quantity =
                item.qty.map { $0.isOne ? "" : DecimalString.format($0.text, separator: separator) + " x " } ?? ""
            encoder.columns(
                quantity + item.description, DecimalString.format(item.amount, separator: separator), overflow: .wrap)
        }
        rule(into: &encoder)
        for total in document.totals {
            let bold = total.emphasized ?? false
            if bold { encoder.setBold(true) }
            encoder.columns(total.label, money(total.amount, document, separator), fill: ".", overflow: .wrap)
            if bold { encoder.setBold(false) }
        }
        for payment in document.payments {
            encoder.columns(payment.method, money(payment.amount, document, separator), fill: ".", overflow: .wrap)
        }
    }

    private func loyalty(_ loyalty: LoyaltyBlock, labels: ReceiptLabels, into encoder: inout ESCPOSEncoder) {
        rule(into: &encoder)
        let separator = labels.decimalSeparator
        encoder.columns(labels.card, loyalty.maskedCardNumber, overflow: .wrap)
        if let earned = loyalty.pointsEarned { encoder.columns(labels.pointsEarned, String(earned), overflow: .wrap) }
        if let balance = loyalty.pointsBalance {
            encoder.columns(labels.pointsBalance, String(balance), overflow: .wrap)
        }
        if let earned = loyalty.discountEarned {
            encoder.columns(labels.discountEarned, DecimalString.format(earned, separator: separator), overflow: .wrap)
        }
        if let spendable = loyalty.discountSpendable {
            encoder.columns(
                labels.discountSpendable, DecimalString.format(spendable, separator: separator), overflow: .wrap)
        }
        if let balance = loyalty.discountBalance {
            encoder.columns(
                labels.discountBalance, DecimalString.format(balance, separator: separator), overflow: .wrap)
        }
        if let prepaid = loyalty.prepaidBalance {
            encoder.columns(
                labels.prepaidBalance, DecimalString.format(prepaid, separator: separator), overflow: .wrap)
        }
        if let stamps = loyalty.stampBalance {
            encoder.columns(labels.stamps, stamps, overflow: .wrap)
        }
        for voucher in loyalty.vouchers ?? [] {
            for line in ColumnLayout.wrap(
                encoder.printable(labels.voucher + " " + voucher), width: encoder.columnsPerLine)
            {
                encoder.line(line)
            }
        }
        if loyalty.balanceUnavailable == true {
            for line in ColumnLayout.wrap(
                encoder.printable(labels.balanceUnavailable), width: encoder.columnsPerLine)
            {
                encoder.line(line)
            }
        }
        if let end = loyalty.programEnds {
            let text = labels.programEnds.replacing("{date}", with: end)
            for line in ColumnLayout.wrap(encoder.printable(text), width: encoder.columnsPerLine) {
                encoder.line(line)
            }
        }
        if let message = loyalty.message {
            for line in ColumnLayout.wrap(encoder.printable(message), width: encoder.columnsPerLine) {
                encoder.line(line)
            }
        }
    }

    private func footer(_ footer: ReceiptFooter, symbolMatrix: [[Bool]]?, into encoder: inout ESCPOSEncoder)
        throws(ReceiptError)
    {
        encoder.line()
        encoder.setAlignment(.center)
        for line in footer.lines { encoder.line(line) }
        if let barcode = footer.barcode {
            switch try barcode.symbology() {
            case .ean13:
                try encoder.ean13(barcode.data, options: options.barcode)
            case .code128:
                let row = symbolMatrix?.count == 1 ? symbolMatrix?.first : nil
                try encoder.code128(barcode.data, options: options.barcode, fallbackModules: row)
            case .qr:
                try encoder.qrCode(barcode.data, options: options.qrCode, fallbackMatrix: symbolMatrix)
            }
        }
        encoder.setAlignment(.left)
    }

    /// A full-width line of "-".
    private func rule(into encoder: inout ESCPOSEncoder) {
        encoder.line(String(repeating: "-", count: encoder.columnsPerLine))
    }

    private func money(_ amount: String, _ document: ReceiptDocument, _ separator: Character) -> String {
        let number = DecimalString.format(amount, separator: separator)
        guard let currency = document.currency, !currency.isEmpty else { return number }
        return currency + " " + number
    }
}
