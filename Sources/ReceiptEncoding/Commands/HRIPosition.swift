/// Where the printer writes the human-readable digits of a barcode (`GS H n`).
public enum HRIPosition: UInt8, Sendable, Hashable {
    case none = 0
    case above = 1
    case below = 2
    case both = 3
}
