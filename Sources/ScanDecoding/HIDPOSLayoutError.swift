/// Why a report descriptor does not describe a usable HID POS bar code scanner report.
public enum HIDPOSLayoutError: Error, Sendable, Equatable {
    /// No input field carries Decoded Data (0x8C:0xFE): not a HID POS scanner, or the data is only
    /// in vendor-defined reports that cannot be interpreted without the vendor's documentation.
    case noDecodedData
    /// The Decoded Data field is not made of byte-aligned 8-bit elements, so it is not text.
    case unsupportedDecodedData(String)
    /// The descriptor itself could not be parsed.
    case invalidDescriptor(HIDDescriptorError)
}
