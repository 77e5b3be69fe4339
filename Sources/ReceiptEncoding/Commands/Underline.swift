/// Underline thickness for `ESC - n`.
public enum Underline: UInt8, Sendable, Hashable {
    case none = 0
    case single = 1
    /// Two dots thick.
    case double = 2
}
