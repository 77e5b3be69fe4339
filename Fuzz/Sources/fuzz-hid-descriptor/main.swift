import FuzzSupport
import ScanDecoding

/// A USB HID report descriptor as the gateway reads it from sysfs or HIDIOCGRDESC (a device,
/// or a device pretending to be one, chooses every byte): refused, or parsed into fields that lie
/// inside their reports, and a HID POS layout whose every position lies inside the report.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHIDDescriptor(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = FuzzInput(start, count).bytes
    // The umockdev files and `doctor` carry descriptors as hex text.
    _ = try? HIDReportDescriptor(hex: String(decoding: bytes, as: UTF8.self))
    guard let descriptor = try? HIDReportDescriptor(bytes: bytes) else { return 0 }
    for field in descriptor.fields {
        invariant(field.bitOffset >= 0 && field.bitSize >= 0 && field.count >= 0, "a field has a negative size")
        let end = field.bitOffset + field.bitLength
        invariant(
            end <= descriptor.dataLength(field.kind, reportID: field.reportID) * 8,
            "a field ends at bit \(end), past its report of \(descriptor.dataLength(field.kind, reportID: field.reportID)) bytes"
        )
    }
    guard let layout = try? HIDPOSReportLayout(descriptor: descriptor) else { return 0 }
    let bits = layout.reportLength * 8
    invariant(
        layout.decodedData.lowerBound >= 0 && layout.decodedData.upperBound <= layout.reportLength,
        "decoded data at \(layout.decodedData) in a report of \(layout.reportLength) bytes")
    for index in layout.symbologyIdentifier {
        invariant(index >= 0 && index < layout.reportLength, "an identifier byte at \(index) of \(layout.reportLength)")
    }
    for range in [layout.continuedFlag, layout.dataLength].compactMap({ $0 }) {
        invariant(range.bitOffset >= 0 && range.bitOffset + range.bitSize <= bits, "bits \(range) past the report")
    }
    return 0
}
