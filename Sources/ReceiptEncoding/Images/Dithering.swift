/// Reduction of a grayscale picture to black and white dots.
public enum Dithering: Sendable, Hashable {
    /// Floyd–Steinberg error diffusion: shades of gray become patterns of dots, which suits
    /// photos and anti-aliased logo edges. A pure black-and-white logo comes out unchanged.
    case floydSteinberg
    /// Every pixel darker than the level is black: crisp for line art, loses gray areas.
    case threshold(UInt8)

    /// Applies the method to `width` × `height` brightness values (0 black … 255 white).
    func apply(width: Int, height: Int, luminance: [Float]) -> MonochromeBitmap {
        let bytesPerRow = (width + 7) / 8
        var data = [UInt8](repeating: 0, count: bytesPerRow * height)
        var buffer = luminance
        let diffuse: Bool
        let level: Float
        switch self {
        case .threshold(let value):
            diffuse = false
            level = Float(value)
        case .floydSteinberg:
            diffuse = true
            level = 128
        }
        // Unchecked pointers: this loop runs once per pixel of every logo on every receipt.
        buffer.withUnsafeMutableBufferPointer { pixels in
            data.withUnsafeMutableBufferPointer { out in
                for y in 0..<height {
                    let row = y * width
                    for x in 0..<width {
                        let old = pixels[row + x]
                        let black = old < level
                        if black { out[y * bytesPerRow + x >> 3] |= 0x80 >> UInt8(x & 7) }
                        guard diffuse else { continue }
                        // Push what rounding lost onto the neighbours not yet visited: 7/16 right,
                        // 3/16 below left, 5/16 below, 1/16 below right.
                        let error = old - (black ? 0 : 255)
                        if error == 0 { continue }
                        if x + 1 < width { pixels[row + x + 1] += error * (7.0 / 16) }
                        if y + 1 < height {
                            let below = row + width + x
                            if x > 0 { pixels[below - 1] += error * (3.0 / 16) }
                            pixels[below] += error * (5.0 / 16)
                            if x + 1 < width { pixels[below + 1] += error * (1.0 / 16) }
                        }
                    }
                }
            }
        }
        return MonochromeBitmap(width: width, height: height, data: data)
    }
}
