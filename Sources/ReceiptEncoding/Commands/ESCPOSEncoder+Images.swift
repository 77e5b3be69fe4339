extension ESCPOSEncoder {
    /// A picture, scaled down to the printer's width if wider, reduced to 1 bit by `dithering`.
    public mutating func image(
        _ picture: RasterImage, dithering: Dithering = .floydSteinberg, alignment: Alignment? = nil
    ) throws(ReceiptError) {
        try image(picture.monochrome(maxWidth: profile.dotsPerLine, dithering: dithering), alignment: alignment)
    }

    /// A 1-bit bitmap via `GS v 0`, in bands of `rasterBandRows` rows, positioned by white
    /// padding (`alignment`, or the current `ESC a` alignment when nil).
    public mutating func image(_ bitmap: MonochromeBitmap, alignment: Alignment? = nil) throws(ReceiptError) {
        guard profile.features.rasterImage else {
            throw .unsupportedFeature("raster images", printer: profile.name)
        }
        guard bitmap.width <= profile.dotsPerLine else {
            throw .symbolTooWide(symbology: "image", dots: bitmap.width, available: profile.dotsPerLine)
        }
        guard bitmap.height > 0, bitmap.width > 0 else { return }
        let spare = (profile.dotsPerLine - bitmap.width) / 8
        let padBytes: Int
        switch alignment ?? self.alignment {
        case .left: padBytes = 0
        case .center: padBytes = spare / 2
        case .right: padBytes = spare
        }
        let placed = bitmap.paddedLeft(byBytes: padBytes)
        endLine()
        var row = 0
        while row < placed.height {
            let rows = min(rasterBandRows, placed.height - row)
            bytes += ESCPOS.rasterHeader(bytesPerRow: placed.bytesPerRow, rows: rows)
            bytes += placed.rows(row..<(row + rows))
            row += rows
        }
    }
}
