/// Turns raw input reports of a HID POS bar code scanner (as read from hidraw) into scans.
///
/// A scan longer than one report arrives as several reports with the Decoded Data Continued flag
/// set on all but the last; the decoder joins them. It is a value type with no I/O: the daemon
/// feeds it each `read()` and forwards what comes back.
public struct HIDPOSReportDecoder: Sendable {
    public let layout: HIDPOSReportLayout
    /// Largest scan, in data bytes, that is delivered; longer ones become one `.tooLong`.
    public let maximumLength: Int

    private var buffer: [UInt8] = []
    private var identifierBytes: [UInt8] = []
    private var inScan = false
    /// After `.tooLong`: drop reports until the one that ends the oversized scan.
    private var skippingRest = false

    public init(layout: HIDPOSReportLayout, maximumLength: Int = 4096) {
        self.layout = layout
        self.maximumLength = max(0, maximumLength)
    }

    /// Whether a scan has started but not finished (or an oversized one is being skipped).
    public var hasPartialScan: Bool { inScan || skippingRest }

    /// Forgets any partial scan. Call it when the device goes away: the rest of a scan cut off by
    /// an unplug will never come, and its first half must not be glued to the next scan.
    public mutating func reset() {
        buffer = []
        identifierBytes = []
        inScan = false
        skippingRest = false
    }

    /// Decodes one report: the bytes of one hidraw `read()`, starting with the report ID byte when
    /// the descriptor uses report IDs.
    ///
    /// Returns nil while a multi-report scan is still incomplete and for reports that carry no
    /// scan (the device's other declared input reports, empty reads). A report of the wrong length
    /// or with an undeclared report ID is `.malformed` and also discards any partial scan, since
    /// the stream can no longer be trusted to be in order.
    public mutating func decode(_ report: some Collection<UInt8>) -> ScanOutcome? {
        let report = Array(report)
        if let expectedID = layout.reportID {
            guard let id = report.first else { return malformed("empty report") }
            if id != expectedID {
                if layout.otherInputReportIDs.contains(id) { return nil }
                return malformed("unknown report ID \(id)")
            }
        }
        guard report.count == layout.reportLength else {
            return malformed("report of \(report.count) bytes, expected \(layout.reportLength)")
        }
        let continued = layout.continuedFlag.map { $0.value(in: report) != 0 } ?? false

        var chunk = report[layout.decodedData]
        if let lengthField = layout.dataLength {
            let length = lengthField.value(in: report)
            guard length <= UInt64(chunk.count) else {
                return malformed("byte count \(length) exceeds the \(chunk.count)-byte data field")
            }
            chunk = chunk.prefix(Int(length))
        } else {
            // No length field: the data is padded with NULs to the field's size.
            while chunk.last == 0 { chunk = chunk.dropLast() }
        }

        if skippingRest {
            skippingRest = continued
            return nil
        }
        if !inScan {
            // Every report repeats the identifier; the first report's is the scan's.
            identifierBytes = layout.symbologyIdentifier.map { report[$0] }.filter { $0 != 0 }
            inScan = true
        }
        guard buffer.count + chunk.count <= maximumLength else {
            let length = buffer.count + chunk.count
            reset()
            skippingRest = continued
            return .tooLong(length: length)
        }
        buffer.append(contentsOf: chunk)
        guard !continued else { return nil }

        let text = ScanText.string(from: buffer)
        let identifier = aimIdentifier()
        reset()
        if let identifier {
            return ScanText.outcome(for: text, identifier: identifier)
        }
        // No identifier bytes (or unreadable ones): the scanner may have put the AIM prefix into
        // the data, and failing that the data alone gives a guess.
        return ScanText.outcome(for: text)
    }

    /// The AIM identifier from the Symbology Identifier bytes. Some scanners send `]E0`, others
    /// only `E0` (the `]` being implied by the usage), so a missing `]` is added.
    private func aimIdentifier() -> AIMIdentifier? {
        guard let first = identifierBytes.first else { return nil }
        var scalars = String.UnicodeScalarView()
        if first != UInt8(ascii: "]") { scalars.append("]") }
        scalars.append(contentsOf: identifierBytes.map { Unicode.Scalar($0) })
        return AIMIdentifier(prefixOf: String(scalars))
    }

    private mutating func malformed(_ reason: String) -> ScanOutcome {
        reset()
        return .malformed(reason)
    }
}
