import Glibc

/// Asks glibc's iconv what each byte 0x80–0xFF of a single-byte code page means.
///
/// iconv is used once per code page to build a table, not once per character: the encoder then
/// needs to know, for every character, *which* of the printer's pages hold it, and a table answers
/// that in one lookup where a trial conversion per page would cost an iconv call each. The
/// characters printed are exactly glibc's mapping, so no code page chart is retyped by hand.
enum IconvDecoder {
    /// The Unicode scalar behind each decodable high byte, or nil when iconv does not know the
    /// encoding (for example a system without glibc's gconv modules).
    static func highHalf(of iconvName: String) -> [UInt8: Unicode.Scalar]? {
        let handle = iconv_open("UTF-32LE", iconvName)
        guard let handle, handle != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(handle) }

        var result: [UInt8: Unicode.Scalar] = [:]
        for byte in UInt8(0x80)...UInt8(0xFF) {
            if let scalar = decode(byte, with: handle) {
                result[byte] = scalar
            }
        }
        return result
    }

    private static func decode(_ byte: UInt8, with handle: iconv_t) -> Unicode.Scalar? {
        // Reset the conversion state so a failed byte cannot affect the next one.
        iconv(handle, nil, nil, nil, nil)
        var input: [CChar] = [CChar(bitPattern: byte)]
        var output = [UInt8](repeating: 0, count: 8)
        var inputLeft = 1
        var outputLeft = output.count
        let status = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!)
                    .assumingMemoryBound(to: CChar.self)
                return iconv(handle, &inPointer, &inputLeft, &outPointer, &outputLeft)
            }
        }
        // Exactly one UTF-32 code unit must come out of one byte.
        guard status != -1, inputLeft == 0, outputLeft == output.count - 4 else { return nil }
        let value = UInt32(output[0]) | UInt32(output[1]) << 8 | UInt32(output[2]) << 16 | UInt32(output[3]) << 24
        return Unicode.Scalar(value)
    }
}
