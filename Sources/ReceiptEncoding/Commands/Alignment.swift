/// Horizontal position of text, barcodes and images.
public enum Alignment: Sendable, Hashable, Codable {
    case left, center, right

    /// The `n` of `ESC a n`.
    var escAValue: UInt8 {
        switch self {
        case .left: 0
        case .center: 1
        case .right: 2
        }
    }
}
