/// A decoded picture (the merchant's logo) before it is reduced to black and white.
///
/// The module decodes no image files: Foundation on Linux has no image codecs, and the main
/// program already links cairo, which reads PNG. It hands the pixels over in this form.
public struct RasterImage: Sendable, Hashable {
    public let width: Int
    public let height: Int
    public let format: PixelFormat
    public let pixels: [UInt8]

    /// Largest side accepted: far above any receipt logo, low enough that a corrupt size in an
    /// image header cannot make the encoder allocate gigabytes.
    public static let maximumSide = 8192

    public init(width: Int, height: Int, pixels: [UInt8], format: PixelFormat = .gray8) throws(ReceiptError) {
        guard width > 0, height > 0, width <= Self.maximumSide, height <= Self.maximumSide else {
            throw .invalidImage("an image must be 1 to \(Self.maximumSide) pixels on each side, not \(width)×\(height)")
        }
        guard pixels.count == width * height * format.bytesPerPixel else {
            throw .invalidImage(
                "\(width)×\(height) \(format) needs \(width * height * format.bytesPerPixel) bytes, got \(pixels.count)"
            )
        }
        self.width = width
        self.height = height
        self.format = format
        self.pixels = pixels
    }

    /// The picture as printer dots: scaled down to `maxWidth` if wider, then reduced to 1 bit.
    /// A till that prints the same logo on every receipt can do this once and keep the result.
    public func monochrome(maxWidth: Int, dithering: Dithering = .floydSteinberg) -> MonochromeBitmap {
        let fitted = scaledToFit(maxWidth: maxWidth)
        return dithering.apply(width: fitted.width, height: fitted.height, luminance: fitted.luminance)
    }

    /// Brightness of every pixel, 0 (black) to 255 (white), row by row. Transparent pixels count
    /// as paper: they are composited over white, as a logo with a transparent background should be.
    func luminance() -> [Float] {
        switch format {
        case .gray8:
            return pixels.map(Float.init)
        case .rgba8:
            var result = [Float](repeating: 255, count: width * height)
            for index in result.indices {
                let base = index * 4
                // ITU-R BT.601 weights: what the eye sees as brightness.
                let gray =
                    0.299 * Float(pixels[base]) + 0.587 * Float(pixels[base + 1]) + 0.114 * Float(pixels[base + 2])
                let alpha = Float(pixels[base + 3]) / 255
                result[index] = gray * alpha + 255 * (1 - alpha)
            }
            return result
        }
    }

    /// A grayscale copy at most `maxWidth` pixels wide, each output pixel the average of the
    /// source pixels it covers (averaging, unlike picking pixels, keeps thin lines as gray that
    /// the dithering can still show). Images that already fit are only converted to gray.
    func scaledToFit(maxWidth: Int) -> (width: Int, height: Int, luminance: [Float]) {
        let source = luminance()
        guard width > maxWidth, maxWidth > 0 else { return (width, height, source) }
        let newWidth = maxWidth
        let newHeight = max(1, (height * newWidth + width / 2) / width)
        var result = [Float](repeating: 255, count: newWidth * newHeight)
        for y in 0..<newHeight {
            let y0 = y * height / newHeight, y1 = max(y0 + 1, (y + 1) * height / newHeight)
            for x in 0..<newWidth {
                let x0 = x * width / newWidth, x1 = max(x0 + 1, (x + 1) * width / newWidth)
                var sum: Float = 0
                for sy in y0..<y1 {
                    for sx in x0..<x1 { sum += source[sy * width + sx] }
                }
                result[y * newWidth + x] = sum / Float((y1 - y0) * (x1 - x0))
            }
        }
        return (newWidth, newHeight, result)
    }
}
