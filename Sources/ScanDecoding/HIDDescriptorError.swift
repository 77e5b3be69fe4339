/// Why a report descriptor could not be parsed. Offsets are byte positions in the descriptor.
///
/// The parser rejects what the Linux kernel rejects (unbalanced collections, bad Pop, report ID 0,
/// oversized reports), so a descriptor that works on the real device also parses here, and a
/// hostile or corrupt one fails cleanly instead of producing absurd field offsets.
public enum HIDDescriptorError: Error, Sendable, Equatable {
    /// An item's data runs past the end of the descriptor.
    case truncatedItem(offset: Int)
    /// End Collection without an open collection.
    case unbalancedEndCollection(offset: Int)
    /// The descriptor ended with collections still open.
    case unclosedCollection
    /// Collections nested deeper than the parser allows.
    case collectionTooDeep(offset: Int)
    /// Pop without a matching Push.
    case popWithoutPush(offset: Int)
    /// More nested Push items than the parser allows.
    case pushTooDeep(offset: Int)
    /// Report ID 0 or above 255 (0 is reserved by HID 1.11, IDs are one byte on the wire).
    case invalidReportID(offset: Int, value: UInt32)
    /// Report Size above 256 bits or Report Count above 12288 (the kernel's limits).
    case fieldTooLarge(offset: Int)
    /// A report would be longer than 16384 bytes (the kernel's HID_MAX_BUFFER_SIZE).
    case reportTooLarge(offset: Int)
    /// The hex text given to `init(hex:)` is not an even number of hex digits.
    case invalidHex
}
