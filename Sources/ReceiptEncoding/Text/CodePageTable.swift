/// One single-byte code page as the printer sees it: which byte prints which character.
struct CodePageTable: Sendable {
    /// The escpos-printer-db name, e.g. `CP858`.
    let name: String
    /// Non-ASCII characters this page holds and their byte (0x80–0xFF).
    let bytes: [Unicode.Scalar: UInt8]

    /// Builds the table from iconv; nil when iconv does not know `iconvName`.
    init?(name: String, iconvName: String) {
        guard let decoded = IconvDecoder.highHalf(of: iconvName) else { return nil }
        var bytes: [Unicode.Scalar: UInt8] = [:]
        // Walk bytes in order so that a character a page holds twice keeps its first position.
        for byte in decoded.keys.sorted() {
            let scalar = decoded[byte]!
            // C1 controls (ISO 8859 0x80–0x9F) and anything iconv maps into ASCII are never sent:
            // ASCII is printed from the lower half, and control bytes would be taken as commands.
            guard scalar.value >= 0xA0, bytes[scalar] == nil else { continue }
            bytes[scalar] = byte
        }
        self.name = name
        self.bytes = bytes
    }

    /// The byte for `scalar`: printable ASCII is itself on every page, other characters need
    /// this page to hold them.
    func byte(for scalar: Unicode.Scalar) -> UInt8? {
        if scalar.value >= 0x20, scalar.value < 0x7F { return UInt8(scalar.value) }
        return bytes[scalar]
    }
}
