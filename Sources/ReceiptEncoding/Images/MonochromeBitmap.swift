/// A 1-bit image in the layout `GS v 0` takes: rows of bytes, most significant bit leftmost,
/// 1 = a black dot. Rows are padded to whole bytes with white.
public struct MonochromeBitmap: Sendable, Hashable {
    public let width: Int
    public let height: Int
    public let bytesPerRow: Int
    public private(set) var data: [UInt8]

    /// An all-white bitmap.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        bytesPerRow = (self.width + 7) / 8
        data = [UInt8](repeating: 0, count: bytesPerRow * self.height)
    }

    /// A bitmap from packed rows (`(width + 7) / 8` bytes each, MSB leftmost, 1 = black).
    init(width: Int, height: Int, data: [UInt8]) {
        precondition(data.count == (width + 7) / 8 * height)
        self.width = width
        self.height = height
        bytesPerRow = (width + 7) / 8
        self.data = data
    }

    /// A bitmap from rows of dots (true = black); rows shorter than the longest are white-padded.
    public init(rows: [[Bool]]) {
        self.init(width: rows.map(\.count).max() ?? 0, height: rows.count)
        for (y, row) in rows.enumerated() {
            for (x, black) in row.enumerated() where black { self[x, y] = true }
        }
    }

    public subscript(x: Int, y: Int) -> Bool {
        get { data[y * bytesPerRow + x / 8] & (0x80 >> UInt8(x % 8)) != 0 }
        set {
            let mask: UInt8 = 0x80 >> UInt8(x % 8)
            if newValue { data[y * bytesPerRow + x / 8] |= mask } else { data[y * bytesPerRow + x / 8] &= ~mask }
        }
    }

    /// The bytes of rows `range`.
    func rows(_ range: Range<Int>) -> ArraySlice<UInt8> {
        data[(range.lowerBound * bytesPerRow)..<(range.upperBound * bytesPerRow)]
    }

    /// A copy with `count` white bytes (8 dots each) added on the left of every row.
    ///
    /// Images are positioned by padding rather than with `ESC a`: whether justification applies
    /// to `GS v 0` differs between printers, white dots do not. Whole bytes keep this a copy
    /// instead of a bit shift; a centred image is then at most 4 dots (0.5 mm) off centre.
    func paddedLeft(byBytes count: Int) -> MonochromeBitmap {
        guard count > 0 else { return self }
        var padded = MonochromeBitmap(width: width + 8 * count, height: height)
        for y in 0..<height {
            let target = y * padded.bytesPerRow + count
            padded.data.replaceSubrange(
                target..<(target + bytesPerRow), with: data[(y * bytesPerRow)..<((y + 1) * bytesPerRow)])
        }
        return padded
    }
}
