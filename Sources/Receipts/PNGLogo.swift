import CCairo
import Foundation
import ReceiptEncoding

/// Reads a merchant logo from a PNG file with cairo (which loyalgate links for cards anyway;
/// Foundation on Linux decodes no images) into the encoder's `RasterImage`.
public enum PNGLogo {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    public static func load(path: String) throws(ReceiptsError) -> RasterImage {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ReceiptsError(
                .invalidLogo, "The logo \(path) cannot be read: check the path in the receipt template.")
        }
        let head = (try? handle.read(upToCount: 8)).map { [UInt8]($0) } ?? []
        try? handle.close()
        // cairo reports a JPEG or a text file only as a "read error"; the signature check turns
        // that into a sentence the technician can act on.
        guard head == signature else {
            throw ReceiptsError(
                .invalidLogo,
                "The logo \(path) is not a PNG file: convert it to PNG (for example with `convert logo.jpg logo.png`).")
        }
        let surface = cairo_image_surface_create_from_png(path)
        defer { cairo_surface_destroy(surface) }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw ReceiptsError(
                .invalidLogo,
                "The logo \(path) is a damaged PNG file (\(String(cString: cairo_status_to_string(status)))).")
        }
        cairo_surface_flush(surface)
        let width = Int(cairo_image_surface_get_width(surface))
        let height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let format = cairo_image_surface_get_format(surface)
        guard let data = cairo_image_surface_get_data(surface),
            format == CAIRO_FORMAT_ARGB32 || format == CAIRO_FORMAT_RGB24
        else {
            throw ReceiptsError(.invalidLogo, "The logo \(path) has a pixel format cairo cannot hand over.")
        }
        let hasAlpha = format == CAIRO_FORMAT_ARGB32
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        for y in 0..<height {
            let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<width {
                // cairo keeps native-endian 0xAARRGGBB words with colour premultiplied by alpha.
                let pixel = row[x]
                let alpha = hasAlpha ? UInt32(pixel >> 24) : 255
                func channel(_ shift: UInt32) -> UInt8 {
                    let value = (pixel >> shift) & 0xFF
                    guard alpha > 0 else { return 255 }
                    return UInt8(min(255, (value * 255 + alpha / 2) / alpha))
                }
                let base = (y * width + x) * 4
                rgba[base] = channel(16)
                rgba[base + 1] = channel(8)
                rgba[base + 2] = channel(0)
                rgba[base + 3] = UInt8(alpha)
            }
        }
        do {
            return try RasterImage(width: width, height: height, pixels: rgba, format: .rgba8)
        } catch {
            throw ReceiptsError(.invalidLogo, "The logo \(path) cannot be printed: \(error.description)")
        }
    }
}
