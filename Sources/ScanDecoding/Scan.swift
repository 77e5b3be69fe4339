/// One complete barcode read: the decoded text, with any AIM symbology identifier removed.
public struct Scan: Sendable, Equatable, Hashable {
    /// The symbology, from the AIM identifier when the scanner sent one, otherwise a guess from
    /// the data (see `AIMIdentifier.guessSymbology(data:)`), or nil when neither says.
    public var symbology: Symbology?
    /// The decoded text. GS (0x1D) separators of GS1 element strings are kept as they are.
    public var data: String

    public init(symbology: Symbology?, data: String) {
        self.symbology = symbology
        self.data = data
    }
}
