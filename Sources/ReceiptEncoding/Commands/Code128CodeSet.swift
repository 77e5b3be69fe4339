/// Which Code 128 character set the `GS k` data starts with (`{B` or `{C`).
public enum Code128CodeSet: Sendable, Hashable {
    /// Code set B: printable ASCII, one symbol per character.
    case b
    /// Code set C: pairs of digits, one symbol per pair, so half as wide. Only for an even
    /// number of digits.
    case c
    /// C for an even number of digits (card numbers), B otherwise.
    case automatic
}
