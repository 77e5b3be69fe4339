import Foundation
import ReceiptEncoding

/// Logos already reduced to printer dots, by file: a shop prints the same logo on every
/// receipt, so it is decoded and dithered once, and again only when the file changes.
final class LogoCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (modified: Date?, bitmap: MonochromeBitmap)] = [:]
    let width: Int
    let dithering: Dithering

    init(width: Int, dithering: Dithering) {
        self.width = width
        self.dithering = dithering
    }

    func bitmap(path: String) throws(ReceiptsError) -> MonochromeBitmap {
        let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
        if let hit = lock.withLock({ entries[path] }), hit.modified == modified { return hit.bitmap }
        let bitmap = try PNGLogo.load(path: path).monochrome(maxWidth: width, dithering: dithering)
        lock.withLock { entries[path] = (modified, bitmap) }
        return bitmap
    }
}
