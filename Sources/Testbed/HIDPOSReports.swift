/// HID POS input reports as the emulated Honeywell sends them (report 2: length, AIM
/// identifier, 56 data bytes, code ID, reserved, continuation flag).
public enum HIDPOSReports {
    public static func reports(aim: String, data: String) -> [UInt8] {
        let bytes = Array(data.utf8)
        var chunks: [[UInt8]] = stride(from: 0, to: max(bytes.count, 1), by: 56).map {
            Array(bytes[$0..<min($0 + 56, bytes.count)])
        }
        if chunks.isEmpty { chunks = [[]] }
        var out: [UInt8] = []
        for (index, chunk) in chunks.enumerated() {
            var report = [UInt8](repeating: 0, count: 64)
            report[0] = 2
            report[1] = UInt8(chunk.count)
            for (offset, byte) in Array(aim.utf8).prefix(3).enumerated() { report[2 + offset] = byte }
            for (offset, byte) in chunk.enumerated() { report[5 + offset] = byte }
            report[63] = index < chunks.count - 1 ? 1 : 0
            out += report
        }
        return out
    }
}
