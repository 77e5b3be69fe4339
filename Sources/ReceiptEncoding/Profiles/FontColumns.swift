/// How many characters of each font fit on one line at normal width.
///
/// Kept per profile because the same 80 mm paper holds 42 columns on a 512-dot TM-T88 and 48
/// on a 576-dot TM-T20: measuring in characters instead of dots would overflow one or waste the other.
public struct FontColumns: Sendable, Hashable, Codable {
    public let fontA: Int
    public let fontB: Int

    public init(fontA: Int, fontB: Int) {
        self.fontA = fontA
        self.fontB = fontB
    }

    public subscript(font: PrinterFont) -> Int {
        switch font {
        case .a: fontA
        case .b: fontB
        }
    }

    enum CodingKeys: String, CodingKey {
        case fontA = "A"
        case fontB = "B"
    }
}
