/// Consecutive characters of one style on one printed line.
public struct TextRun: Sendable, Hashable {
    public var text: String
    public var style: TextStyle

    public init(text: String, style: TextStyle) {
        self.text = text
        self.style = style
    }
}
