/// The last step every decoder shares: bytes to text, AIM identifier off, empty input dropped.
enum ScanText {
    /// Decodes scanner bytes as UTF-8 when they are valid UTF-8, otherwise as ISO-8859-1.
    ///
    /// Modern QR codes carry UTF-8, while Code 128 and QR's own default (no ECI) are ISO-8859-1;
    /// a byte string that is valid UTF-8 is almost never intended as Latin-1, so trying UTF-8
    /// first and falling back keeps every byte instead of turning it into U+FFFD.
    /// Each input byte becomes at most one Unicode scalar, so a length limit on bytes also bounds
    /// the scalars of the result.
    static func string(from bytes: some Collection<UInt8>) -> String {
        if let text = String(validating: bytes, as: UTF8.self) {
            return text
        }
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return String(scalars)
    }

    /// The outcome for one complete piece of scan text. Empty text gives nil (a bare suffix or an
    /// empty report is not an event worth reporting); an AIM identifier with nothing after it is
    /// malformed, because a scanner never sends that for a real read.
    static func outcome(for text: String) -> ScanOutcome? {
        guard !text.isEmpty else { return nil }
        let (symbology, data) = AIMIdentifier.decode(text)
        guard !data.isEmpty else { return .malformed("symbology identifier \(text) without data") }
        return .scan(Scan(symbology: symbology, data: data))
    }

    /// The outcome when the identifier came separately (HID POS Symbology Identifier bytes).
    /// If the data repeats the same identifier (a scanner set to prefix AIM IDs as well), the copy
    /// is removed; any other leading `]xx` is left alone because it is then part of the data.
    static func outcome(for text: String, identifier: AIMIdentifier) -> ScanOutcome? {
        var data = Substring(text)
        if data.unicodeScalars.starts(with: identifier.text.unicodeScalars) {
            data = Substring(data.unicodeScalars.dropFirst(identifier.length))
        }
        guard !data.isEmpty else {
            return text.isEmpty ? nil : .malformed("symbology identifier \(identifier.text) without data")
        }
        return .scan(Scan(symbology: identifier.symbology(forData: data), data: String(data)))
    }
}
