/// `struct input_event` records as the kernel writes them on x86-64 (seconds, microseconds,
/// type, code, value), for feeding `KeyboardScanDecoder` without a device.
enum InputEventRecords {
    static func record(type: UInt16, code: UInt16, value: Int32, microseconds: Int64) -> [UInt8] {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: (microseconds / 1_000_000).littleEndian) { bytes += $0 }
        withUnsafeBytes(of: (microseconds % 1_000_000).littleEndian) { bytes += $0 }
        withUnsafeBytes(of: type.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: code.littleEndian) { bytes += $0 }
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
        return bytes
    }

    /// Key codes of 2990001000017 (KEY_1 is 2, KEY_0 is 11).
    static let cardKeys: [UInt16] = [3, 10, 10, 11, 11, 11, 2, 11, 11, 11, 11, 2, 8]
    static let enter: UInt16 = 28

    /// Press, SYN_REPORT and release of each key, `gap` microseconds apart, from `start`.
    static func keys(_ codes: [UInt16], start: Int64, gap: Int64) -> [UInt8] {
        var bytes: [UInt8] = []
        var time = start
        for code in codes {
            bytes += record(type: 1, code: code, value: 1, microseconds: time)
            bytes += record(type: 0, code: 0, value: 0, microseconds: time)
            bytes += record(type: 1, code: code, value: 0, microseconds: time + gap / 2)
            time += gap
        }
        return bytes
    }
}
