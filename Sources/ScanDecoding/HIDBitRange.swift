/// A run of bits in a raw report, counted from the first byte *as read* (the report ID byte
/// included when the descriptor uses report IDs), least significant bit first as HID sends them.
public struct HIDBitRange: Sendable, Hashable {
    public let bitOffset: Int
    public let bitSize: Int

    public init(bitOffset: Int, bitSize: Int) {
        self.bitOffset = bitOffset
        self.bitSize = bitSize
    }

    /// The unsigned value of the bits (at most the first 64). Bits past the end of `report` read
    /// as zero, so a short report can never make this trap; the decoder checks lengths anyway.
    public func value(in report: some RandomAccessCollection<UInt8>) -> UInt64 {
        var result: UInt64 = 0
        let start = report.startIndex
        for bit in 0..<min(bitSize, 64) {
            let position = bitOffset + bit
            let byteIndex = position / 8
            guard byteIndex < report.count else { break }
            let byte = report[report.index(start, offsetBy: byteIndex)]
            if byte >> UInt8(position % 8) & 1 == 1 {
                result |= 1 << UInt64(bit)
            }
        }
        return result
    }
}
