/// What a printer made of a byte stream: the elements in order, as `ESCPOSInterpreter` reads them.
public struct PrintedReceipt: Sendable, Hashable {
    public var elements: [PrintElement] = []

    /// The text lines, each with trailing spaces removed: what a person reads off the paper.
    public var textLines: [String] {
        elements.compactMap { element in
            guard case .text(let runs, _) = element else { return nil }
            var line = runs.map(\.text).joined()
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    public var cuts: Int { elements.filter { if case .cut = $0 { true } else { false } }.count }
    public var drawerPulses: Int { elements.filter { if case .drawerPulse = $0 { true } else { false } }.count }
}
