/// How the receipt is separated from the roll.
public enum CutMode: Sendable, Hashable {
    /// Cut through the paper.
    case full
    /// Leave one point uncut so the receipt hangs until the customer takes it. Printers without
    /// a partial cut get a full cut instead.
    case partial
}
