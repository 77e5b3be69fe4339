/// What to do with a left-hand text that does not fit beside its right-hand value.
public enum Overflow: Sendable, Hashable {
    /// Cut the text at the column where the value starts (one line, nothing moves).
    case truncate
    /// Break the text at spaces onto further lines; the value stands on the last line.
    case wrap
}
