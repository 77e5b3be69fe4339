/// A resident printer font. Every printer profiled here has Font A (12×24 dots on 203 dpi heads)
/// and the narrower Font B; their column counts differ per model, so they live in the profile.
public enum PrinterFont: String, Sendable, Hashable, Codable, CaseIterable {
    case a = "A"
    case b = "B"

    /// The `n` of `ESC M n`.
    var escMValue: UInt8 {
        switch self {
        case .a: 0
        case .b: 1
        }
    }
}
