import ScanDecoding
import ScannerDrivers

/// Whether a node is a scanner the gateway reads, and why: the configuration first, then what
/// udev imported from the installed hwdb (`LOYALGATE_*`), then the gateway's own copy of the
/// table. Nothing else makes a device a scanner, so an ordinary keyboard is never grabbed.
public struct DeviceClassifier: Sendable {
    public let table: ScannerTable
    public let configuration: GatewayConfiguration

    public init(table: ScannerTable, configuration: GatewayConfiguration) {
        self.table = table
        self.configuration = configuration
    }

    public struct Classification: Sendable, Equatable {
        /// True when the gateway reads this node.
        public var isScanner: Bool
        /// One sentence for doctor: why it is or is not read.
        public var reason: String
        public var mode: ScannerMode?
        public var family: String?
        public var layout: String
        public var variant: String?
        public var suffix: String
        public var idleGapMilliseconds: Int
        /// Keyboard mode: what happens to its keys besides the gateway reading them.
        public var passThrough: PassThrough = .exclusive
        /// `filter`: card scans are typed too.
        public var typeCards = false

        /// How the drivers read the node; nil when it is not read.
        public func settings(maximumLength: Int) -> ScannerSettings? {
            guard isScanner, let mode else { return nil }
            return ScannerSettings(
                mode: mode, family: family, layout: layout, variant: variant, suffix: suffix,
                idleGap: .milliseconds(idleGapMilliseconds), maximumLength: maximumLength, passThrough: passThrough)
        }
    }

    public func classify(_ facts: DeviceFacts) -> Classification {
        let settings = configuration.devices.first { $0.matches(facts) }
        let udev = facts.properties.filter { $0.key.hasPrefix("LOYALGATE_") }
        let listed =
            facts.vendorID.flatMap { vendor in facts.productID.map { table.properties(vendorID: vendor, productID: $0) }
            } ?? [:]
        // udev's properties come from the same table as installed (with any site file), so
        // they win over the gateway's copy; the configuration wins over both.
        let properties = udev.isEmpty ? listed : udev

        var result = Classification(
            isScanner: false, reason: "", mode: nil, family: properties["LOYALGATE_SCANNER_FAMILY"],
            layout: settings?.layout ?? properties["LOYALGATE_SCANNER_LAYOUT"] ?? "us",
            variant: settings?.variant, suffix: settings?.suffix ?? "enter",
            idleGapMilliseconds: settings?.idleGapMilliseconds ?? 50)
        let source: String
        if let scanner = settings?.scanner {
            guard scanner else {
                result.reason = "the configuration says it is not a scanner (\(settings!.match))"
                return result
            }
            source = "the configuration lists it (\(settings!.match))"
        } else if properties["LOYALGATE_SCANNER"] == "1" {
            source =
                udev.isEmpty
                ? "its USB id \(facts.usbID ?? "?") is in the scanner table \(table.sources.last ?? "")"
                : "udev marks it LOYALGATE_SCANNER=1 (hwdb)"
        } else if properties["LOYALGATE_SCANNER"] == "0" {
            result.reason = "the scanner table switches it off (LOYALGATE_SCANNER=0)"
            return result
        } else {
            result.reason =
                facts.isKeyboard
                ? "an ordinary keyboard: its USB id \(facts.usbID ?? "(not USB)") is not in the scanner table, so it is left to the desktop"
                : "not in the scanner table"
            return result
        }
        let modeName = settings?.mode ?? properties["LOYALGATE_SCANNER_MODE"] ?? Self.guessMode(facts)
        guard let modeName, let mode = ScannerMode(rawValue: modeName) else {
            result.reason = "\(source), but its mode is unknown: set \"mode\" in the configuration"
            return result
        }
        result.mode = mode
        guard mode.nodeKind == facts.kind else {
            result.reason =
                "\(source) in \(mode.rawValue) mode; this \(facts.kind.rawValue) node is not how that mode is read"
            return result
        }
        if mode == .keyboard, !facts.isKeyboard {
            result.reason = "\(source), but this input node has no keys (e.g. its mouse or consumer-control part)"
            return result
        }
        if mode == .hidPOS {
            guard let descriptor = facts.reportDescriptor else {
                result.reason = "\(source) in hid-pos mode, but its report descriptor could not be read"
                return result
            }
            do {
                _ = try HIDPOSReportLayout(descriptorBytes: descriptor)
            } catch {
                result.reason =
                    "\(source) in hid-pos mode, but its report descriptor has no usable HID POS scan report (\(error))"
                return result
            }
        }
        if mode == .keyboard {
            result.passThrough = settings?.passThrough.flatMap(PassThrough.init(rawValue:)) ?? .exclusive
            result.typeCards = result.passThrough == .filter && settings?.typeCards == true
        }
        result.isScanner = true
        result.reason = source
        return result
    }

    /// Mode from the node itself when a configuration entry says "scanner" without a mode.
    static func guessMode(_ facts: DeviceFacts) -> String? {
        switch facts.kind {
        case .input: facts.isKeyboard ? ScannerMode.keyboard.rawValue : nil
        case .hidraw: ScannerMode.hidPOS.rawValue
        case .tty: ScannerMode.serial.rawValue
        }
    }
}
