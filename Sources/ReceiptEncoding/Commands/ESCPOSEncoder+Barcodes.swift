extension ESCPOSEncoder {
    /// An EAN-13 barcode from 12 digits (the check digit is added) or 13 (the check digit is
    /// verified). Uses `GS k`; printers without it get the bars as a raster image and the digits
    /// as text, since EAN-13 is simple enough to draw here.
    ///
    /// Only 12 digits are sent to `GS k`: every printer computes the 13th itself, whereas what a
    /// printer does with a 13th digit (check it, print it, or ignore the barcode) varies.
    public mutating func ean13(_ data: String, options: BarcodeOptions = BarcodeOptions()) throws(ReceiptError) {
        let digits = try EAN13.validated(data)
        try check(options)
        let moduleWidth = try fittingModuleWidth(modules: 95, requested: options.moduleWidth, symbology: "EAN-13")
        endLine()
        if profile.features.barcodes {
            let ascii = digits.prefix(12).map { UInt8(0x30 + $0) }
            bytes += ESCPOS.barcodeSetup(options, moduleWidth: moduleWidth)
            bytes +=
                profile.features.barcodeFunctionB
                ? ESCPOS.barcodeFunctionB(type: 67, data: ascii)
                : ESCPOS.barcodeFunctionA(type: 2, data: ascii)
        } else {
            // Quiet zones of 11 modules each side: the EAN-13 minimum is 11 left and 7 right.
            let bitmap = try ModuleMatrix.barBitmap(
                EAN13.modules(for: digits), moduleWidth: moduleWidth, height: options.height, quiet: 11)
            try symbolFallback(bitmap, legend: digits.map(String.init).joined(), options: options)
        }
    }

    /// A Code 128 barcode via `GS k` 73, with the code set given by `codeSet` (`{B` for text,
    /// `{C` halves the width of digit strings). Printers without `GS k` need the bar modules
    /// (from libzint in the main program) in `fallbackModules`.
    public mutating func code128(
        _ data: String, codeSet: Code128CodeSet = .automatic, options: BarcodeOptions = BarcodeOptions(),
        fallbackModules: [Bool]? = nil
    ) throws(ReceiptError) {
        let payload = try Code128Payload.make(data, codeSet: codeSet)
        try check(options)
        endLine()
        if profile.features.barcodes, profile.features.barcodeFunctionB {
            // Start, data, check symbol of 11 modules each, and the 13-module stop pattern.
            let modules = 11 * (payload.symbols + 2) + 13
            let moduleWidth = try fittingModuleWidth(
                modules: modules, requested: options.moduleWidth, symbology: "CODE-128")
            bytes += ESCPOS.barcodeSetup(options, moduleWidth: moduleWidth)
            bytes += ESCPOS.barcodeFunctionB(type: 73, data: payload.bytes)
        } else {
            guard let fallbackModules else {
                throw .missingSymbolMatrix(symbology: "CODE-128", printer: profile.name)
            }
            let moduleWidth = try fittingModuleWidth(
                modules: fallbackModules.count + 20, requested: options.moduleWidth, symbology: "CODE-128")
            let bitmap = try ModuleMatrix.barBitmap(
                fallbackModules, moduleWidth: moduleWidth, height: options.height, quiet: 10)
            try symbolFallback(bitmap, legend: data, options: options)
        }
    }

    /// Prints `bitmap` where the printer would have drawn the barcode, with the digits as text.
    private mutating func symbolFallback(_ bitmap: MonochromeBitmap, legend: String, options: BarcodeOptions)
        throws(ReceiptError)
    {
        if options.hriPosition == .above || options.hriPosition == .both { line(legend) }
        try image(bitmap)
        if options.hriPosition == .below || options.hriPosition == .both { line(legend) }
    }

    private func check(_ options: BarcodeOptions) throws(ReceiptError) {
        guard (1...255).contains(options.height) else {
            throw .invalidArgument("barcode height is 1 to 255 dots, not \(options.height)")
        }
        guard (2...6).contains(options.moduleWidth) else {
            throw .invalidArgument("barcode module width is 2 to 6 dots, not \(options.moduleWidth)")
        }
    }

    /// The requested module width, or the widest narrower one that fits the line: a printer
    /// given a barcode wider than its paper only feeds blank paper.
    func fittingModuleWidth(modules: Int, requested: Int, symbology: String, minimum: Int = 2) throws(ReceiptError)
        -> Int
    {
        var width = requested
        while width > minimum, modules * width > profile.dotsPerLine { width -= 1 }
        guard modules * width <= profile.dotsPerLine else {
            throw .symbolTooWide(symbology: symbology, dots: modules * width, available: profile.dotsPerLine)
        }
        return width
    }
}
