/// The `GS k` data for Code 128: a code set prefix (`{B` or `{C`) and the encoded characters.
enum Code128Payload {
    /// Bytes after the length byte, and the number of symbol characters they make (to check width).
    static func make(_ data: String, codeSet: Code128CodeSet) throws(ReceiptError) -> (bytes: [UInt8], symbols: Int) {
        func fail(_ reason: String) -> ReceiptError {
            .invalidBarcodeData(symbology: "CODE-128", data: data, reason: reason)
        }
        guard !data.isEmpty else { throw fail("it is empty") }
        let utf8 = Array(data.utf8)
        let isEvenDigits = utf8.count % 2 == 0 && utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        let useC: Bool
        switch codeSet {
        case .b: useC = false
        case .c:
            guard isEvenDigits else { throw fail("code set C takes an even number of digits only") }
            useC = true
        case .automatic: useC = isEvenDigits
        }
        var bytes: [UInt8] = [0x7B, useC ? 0x43 : 0x42]
        if useC {
            // Each pair of digits travels as one byte with the value 0–99.
            for pair in stride(from: 0, to: utf8.count, by: 2) {
                bytes.append((utf8[pair] - 0x30) * 10 + (utf8[pair + 1] - 0x30))
            }
        } else {
            guard utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
                throw fail("code set B holds printable ASCII only")
            }
            for byte in utf8 {
                // A literal "{" is sent as "{{": a single one would start a code set switch.
                bytes += byte == 0x7B ? [0x7B, 0x7B] : [byte]
            }
        }
        guard bytes.count <= 255 else { throw fail("it is too long for one barcode") }
        return (bytes, useC ? utf8.count / 2 : utf8.count)
    }
}
