/// Layout of the pixels in a `RasterImage`.
public enum PixelFormat: Sendable, Hashable {
    /// One byte per pixel, 0 black to 255 white.
    case gray8
    /// Four bytes per pixel, red, green, blue, alpha (straight, not premultiplied), as cairo's
    /// PNG loader yields after unpremultiplying.
    case rgba8

    var bytesPerPixel: Int {
        switch self {
        case .gray8: 1
        case .rgba8: 4
        }
    }
}
