/// Consecutive characters of one style on one printed line.
public struct TextRun: Sendable, Hashable {
    public var text: String
    public var style: TextStyle
}
