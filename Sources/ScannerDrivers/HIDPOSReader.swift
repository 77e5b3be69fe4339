import CEvdev
import Foundation
import ScanDecoding

/// A HID POS scanner (usage page 0x8C) on hidraw. The report layout comes from the device's
/// report descriptor (sysfs, else HIDIOCGRDESC), never from a table of vendor offsets.
final class HIDPOSReader: DeviceReader {
    let fd: Int32
    let facts: DeviceFacts
    let grabbed = false
    private var decoder: HIDPOSReportDecoder
    private var partial: [UInt8] = []

    /// The result of the Honeywell enable report, for the log (nil when none was sent).
    private(set) var enableResult: String?

    init(facts: DeviceFacts, settings: ScannerSettings) throws {
        let fd = open(facts.devnode, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw DriverError("Cannot open \(facts.devnode): \(errnoText()).") }
        var bytes = facts.reportDescriptor
        if bytes == nil {
            var descriptor = hidraw_report_descriptor()
            if loyalgate_hidraw_descriptor(fd, &descriptor) >= 0 {
                bytes = withUnsafeBytes(of: descriptor.value) { Array($0.prefix(Int(descriptor.size))) }
            }
        }
        do {
            guard let bytes else { throw DriverError("The report descriptor of \(facts.devnode) cannot be read.") }
            decoder = HIDPOSReportDecoder(
                layout: try HIDPOSReportLayout(descriptorBytes: bytes), maximumLength: settings.maximumLength)
        } catch {
            Glibc.close(fd)
            throw DriverError("\(facts.devnode) is not a usable HID POS scanner: \(error).")
        }
        self.fd = fd
        self.facts = facts
        if settings.family == "honeywell" {
            // Honeywell HID POS scanners stay silent on hidraw until feature report 0xFE = 1
            // puts them into HID POS output (NielsLeenheer/WebHidBarcodeScanner, src/main.js;
            // hardware-notes/scanners-honeywell.md). Harmless when already enabled.
            var report: [UInt8] = [0xFE, 0x01]
            enableResult =
                loyalgate_hidraw_set_feature(fd, &report, UInt(report.count)) >= 0 ? "sent" : "refused: \(errnoText())"
        }
    }

    func readAvailable(_ emit: (ScanOutcome, Duration) -> Void) -> String? {
        let length = decoder.layout.reportLength
        var buffer = [UInt8](repeating: 0, count: max(length, 64))
        while true {
            // Read at most one report: hidraw returns one report per read; an emulated node is a
            // byte stream, where asking for more would run reports together.
            let want = partial.isEmpty ? length : length - partial.count
            let count: Int
            switch NodeRead.read(fd, into: &buffer, count: want) {
            case .drained: return nil
            case .failed(let why): return why
            case .bytes(let got): count = got
            }
            let now = MonotonicClock.now()
            let chunk = buffer[..<count]
            if partial.isEmpty, count < length, decoder.layout.reportID.map({ chunk.first != $0 }) ?? false {
                // A shorter report with another ID: a whole report of another kind.
                if let outcome = decoder.decode(chunk) { emit(outcome, now) }
                continue
            }
            partial += chunk
            guard partial.count >= length else { continue }
            let report = partial
            partial = []
            if let outcome = decoder.decode(report) { emit(outcome, now) }
        }
    }

    var flushDeadline: Duration? { nil }
    func flush(now: Duration, _ emit: (ScanOutcome, Duration) -> Void) {}

    func close() {
        decoder.reset()
        Glibc.close(fd)
    }
}
