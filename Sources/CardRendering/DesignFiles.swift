import CCairo
import CardDesign
import Foundation

/// The files a design names, read so that no file can hang or exhaust the process: a FIFO or
/// device would block `open` or `read` for ever, and a small PNG can declare 16,000 × 16,000
/// pixels (1 GB once decoded). Each is checked before it is read, and images are decoded from
/// the bytes that were checked, never reopened by name.
enum DesignFiles {
    /// The largest design file (JSON).
    static let maximumDesignBytes = 1 << 20
    /// The largest logo or background image file.
    static let maximumImageBytes = 10 << 20
    /// The largest width and height of a logo or background image, in pixels: 4096 is 48 mm at
    /// 2,160 dpi, more than any card printer resolves (300 dpi).
    static let maximumImagePixels = 4096

    /// The whole of a regular file of at most `limit` bytes. `what` names it in messages.
    static func read(_ path: String, what: String, limit: Int) throws(DesignError) -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else { throw DesignError("The \(what) is missing: looked for \(path).") }
        try checkRegular(info, path: path, what: what, limit: limit)
        // O_NONBLOCK: if the name was swapped for a FIFO after the check, open returns at once.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            throw DesignError("The \(what) \(path) cannot be read: \(String(cString: strerror(errno))).")
        }
        defer { close(fd) }
        guard fstat(fd, &info) == 0 else { throw DesignError("The \(what) \(path) cannot be read.") }
        try checkRegular(info, path: path, what: what, limit: limit)
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(fd, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else {
                throw DesignError("The \(what) \(path) cannot be read: \(String(cString: strerror(errno))).")
            }
            if count == 0 { break }
            filled += count
        }
        guard filled <= limit else { throw tooLarge(path, what: what, limit: limit) }
        return Array(bytes.prefix(filled))
    }

    private static func checkRegular(_ info: stat, path: String, what: String, limit: Int) throws(DesignError) {
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw DesignError(
                "The \(what) \(path) is not a regular file (it is a \(kind(info.st_mode))): give the path of a file.")
        }
        guard info.st_size <= limit else { throw tooLarge(path, what: what, limit: limit) }
    }

    private static func tooLarge(_ path: String, what: String, limit: Int) -> DesignError {
        DesignError("The \(what) \(path) is larger than \(limit >> 20) MB: make it smaller.")
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "FIFO (named pipe)"
        case S_IFCHR: "character device"
        case S_IFBLK: "block device"
        case S_IFDIR: "folder"
        case S_IFSOCK: "socket"
        default: "special file"
        }
    }

    /// A PNG's width and height from its header (the IHDR chunk, which the format puts first),
    /// or nil when the bytes are not a PNG.
    static func pngSize(_ bytes: [UInt8]) -> (width: UInt32, height: UInt32)? {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard bytes.count >= 24, Array(bytes[0..<8]) == signature, Array(bytes[12..<16]) == Array("IHDR".utf8)
        else { return nil }
        let word = { (at: Int) in bytes[at..<at + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
        return (word(16), word(20))
    }

    /// Decodes checked PNG bytes with cairo, from memory.
    static func decodePNG(_ bytes: [UInt8]) -> OpaquePointer? {
        let source = PNGSource(bytes)
        return withExtendedLifetime(source) {
            cairo_image_surface_create_from_png_stream(
                { closure, buffer, length in
                    guard let closure, let buffer else { return CAIRO_STATUS_READ_ERROR }
                    let source = Unmanaged<PNGSource>.fromOpaque(closure).takeUnretainedValue()
                    let count = Int(length)
                    guard source.offset + count <= source.bytes.count else { return CAIRO_STATUS_READ_ERROR }
                    source.bytes.withUnsafeBufferPointer { all in
                        buffer.update(from: all.baseAddress! + source.offset, count: count)
                    }
                    source.offset += count
                    return CAIRO_STATUS_SUCCESS
                }, Unmanaged.passUnretained(source).toOpaque())
        }
    }

    private final class PNGSource {
        let bytes: [UInt8]
        var offset = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }
}
