import Foundation
import LoyalgateProtocol
import Receipts
import ScannerDrivers

/// The gateway's configuration file (JSON, `--config`; documented in docs/gateway.md). Every
/// field is optional: an empty object `{}` is a working configuration.
public struct GatewayConfiguration: Sendable, Codable, Equatable {
    /// Per-device settings; the first entry that matches a device applies.
    public var devices: [DeviceSettings]
    /// Card-number ranges, when they should not be learned from the core's `core.status`
    /// (needed only if the gateway must tell cards from products before it ever reached the core).
    public var cardRanges: [CardRange]?
    /// Only this merchant's card ranges count (a core serving several merchants).
    public var merchant: String?
    /// hwdb files to read the scanner table from, instead of the default locations.
    public var hwdb: [String]?
    /// Longest scan accepted, in bytes; a longer one is reported as `scan.rejected`.
    public var maximumScanLength: Int
    /// How many past events a reconnecting till can get back, and for how long.
    public var replayEvents: Int
    public var replaySeconds: Int
    /// How long a `card.lookup` may take before the core counts as unavailable.
    public var coreTimeoutMilliseconds: Int
    /// Receipt printers and merchant templates (docs/receipts.md); nil: no printing.
    public var receipts: ReceiptsConfiguration?
    /// Which merchant each till on the socket acts for (docs/gateway.md, "Who sees what");
    /// nil: no till sees a customer's display name or patient reference.
    public var access: GatewayAccess?
    /// The desktop's keyboard layout, which `filter` devices type in; nil: the system's
    /// (`/etc/default/keyboard`), else `us`.
    public var typing: Typing?
    /// The browser bridge for web tills (docs/browser-bridge.md); nil: none.
    public var browser: Browser?

    /// A WebSocket on the loopback address for paired browser pages.
    public struct Browser: Sendable, Codable, Equatable {
        /// `127.0.0.1:9473`: loopback only (a page on the till PC reaches it; nothing else).
        public var listen: String
        /// The origins whose pages may connect (`https://till.example`, `http://127.0.0.1:8080`).
        public var origins: [String]
        /// Where pairings are kept (0600); nil: in memory, lost when the gateway stops.
        public var pairingsFile: String?
        public init(listen: String, origins: [String], pairingsFile: String? = nil) {
            self.listen = listen
            self.origins = origins
            self.pairingsFile = pairingsFile
        }

        /// The host and port, refused unless the host is a loopback address.
        public func address() throws -> (host: String, port: Int) {
            let parts = listen.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let port = Int(parts[1]), (1...65535).contains(port) else {
                throw ConfigurationError("browser.listen must be HOST:PORT, such as 127.0.0.1:9473, not \(listen).")
            }
            let host = String(parts[0])
            guard host == "127.0.0.1" || host == "localhost" else {
                throw ConfigurationError(
                    "browser.listen must be on 127.0.0.1: the bridge serves pages on the till PC only, not \(host).")
            }
            return (host == "localhost" ? "127.0.0.1" : host, port)
        }
    }

    /// The layout a `filter`-mode scanner's product codes are typed in: the desktop's, which
    /// the focused program reads them with (not the scanner's own).
    public struct Typing: Sendable, Codable, Equatable {
        public var layout: String
        public var variant: String?
        public init(layout: String, variant: String? = nil) {
            self.layout = layout
            self.variant = variant
        }
    }

    public struct DeviceSettings: Sendable, Codable, Equatable {
        /// A device id (`0c2e:0b81:12345`, `0c2e:0b81@1-2`), a USB id (`0c2e:0b81`, every device
        /// of that model) or a node (`/dev/input/event5`).
        public var match: String
        /// true: read it as a scanner even if the table does not list it; false: never touch it.
        public var scanner: Bool?
        /// `keyboard`, `hid-pos` or `serial`.
        public var mode: String?
        /// XKB layout the scanner emulates (`us`, `de`, `fr`, `be`, `nl`, `no`, `bg`, ...).
        public var layout: String?
        /// XKB variant, e.g. `nodeadkeys`.
        public var variant: String?
        /// Keyboard: `enter`, `tab` or `none`. Serial: `cr`, `lf`, `crlf` or `tab` (`enter` = `cr`).
        public var suffix: String?
        /// With suffix `none`: the silence that ends a scan.
        public var idleGapMilliseconds: Int?
        /// Keyboard mode: `exclusive` (default), `shared` or `filter` (`PassThrough`).
        public var passThrough: String?
        /// `filter`: card scans are typed too (a till program with a card-number field, such as
        /// the pharmacy system's patient record), besides going to the core.
        public var typeCards: Bool?

        public init(
            match: String, scanner: Bool? = nil, mode: String? = nil, layout: String? = nil, variant: String? = nil,
            suffix: String? = nil, idleGapMilliseconds: Int? = nil
        ) {
            self.match = match
            self.scanner = scanner
            self.mode = mode
            self.layout = layout
            self.variant = variant
            self.suffix = suffix
            self.idleGapMilliseconds = idleGapMilliseconds
        }

        func matches(_ facts: DeviceFacts) -> Bool {
            let pattern = match.lowercased()
            return pattern == facts.id.lowercased() || pattern == facts.usbID || pattern == facts.devnode
        }
    }

    public init(
        devices: [DeviceSettings] = [], cardRanges: [CardRange]? = nil, merchant: String? = nil, hwdb: [String]? = nil,
        maximumScanLength: Int = 4096, replayEvents: Int = 1000, replaySeconds: Int = 600,
        coreTimeoutMilliseconds: Int = 2000
    ) {
        self.devices = devices
        self.cardRanges = cardRanges
        self.merchant = merchant
        self.hwdb = hwdb
        self.maximumScanLength = maximumScanLength
        self.replayEvents = replayEvents
        self.replaySeconds = replaySeconds
        self.coreTimeoutMilliseconds = coreTimeoutMilliseconds
    }

    private enum CodingKeys: String, CodingKey {
        case devices, cardRanges, merchant, hwdb, maximumScanLength, replayEvents, replaySeconds,
            coreTimeoutMilliseconds, receipts, access, typing, browser
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = GatewayConfiguration()
        devices = try container.decodeIfPresent([DeviceSettings].self, forKey: .devices) ?? []
        cardRanges = try container.decodeIfPresent([CardRange].self, forKey: .cardRanges)
        merchant = try container.decodeIfPresent(String.self, forKey: .merchant)
        hwdb = try container.decodeIfPresent([String].self, forKey: .hwdb)
        maximumScanLength =
            try container.decodeIfPresent(Int.self, forKey: .maximumScanLength) ?? defaults.maximumScanLength
        replayEvents = try container.decodeIfPresent(Int.self, forKey: .replayEvents) ?? defaults.replayEvents
        replaySeconds = try container.decodeIfPresent(Int.self, forKey: .replaySeconds) ?? defaults.replaySeconds
        coreTimeoutMilliseconds =
            try container.decodeIfPresent(Int.self, forKey: .coreTimeoutMilliseconds)
            ?? defaults.coreTimeoutMilliseconds
        receipts = try container.decodeIfPresent(ReceiptsConfiguration.self, forKey: .receipts)
        access = try container.decodeIfPresent(GatewayAccess.self, forKey: .access)
        typing = try container.decodeIfPresent(Typing.self, forKey: .typing)
        browser = try container.decodeIfPresent(Browser.self, forKey: .browser)
    }

    /// Reads and checks a configuration file; the error names the file and what is wrong.
    public static func load(path: String) throws -> GatewayConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("Cannot read the configuration file \(path).")
        }
        var configuration: GatewayConfiguration
        do {
            configuration = try JSONDecoder().decode(GatewayConfiguration.self, from: data)
            // Logo files are named relative to the configuration file.
            configuration.receipts = configuration.receipts?.resolvingLogos(
                relativeTo: (path as NSString).deletingLastPathComponent)
        } catch {
            throw ConfigurationError("\(path) is not a valid gateway configuration: \(error)")
        }
        try configuration.validate()
        return configuration
    }

    public func validate() throws {
        guard maximumScanLength > 0, maximumScanLength <= 60_000 else {
            throw ConfigurationError(
                "maximumScanLength must be between 1 and 60000 (an event line is at most 65536 bytes).")
        }
        guard replayEvents >= 0, replaySeconds >= 0 else {
            throw ConfigurationError("replayEvents and replaySeconds must not be negative.")
        }
        do { try receipts?.validate() } catch { throw ConfigurationError(error.message) }
        try access?.validate()
        for device in devices {
            if let mode = device.mode, ScannerMode(rawValue: mode) == nil {
                throw ConfigurationError(
                    "Device \(device.match): mode must be keyboard, hid-pos or serial, not \(mode).")
            }
            if let suffix = device.suffix, !["enter", "tab", "none", "cr", "lf", "crlf"].contains(suffix) {
                throw ConfigurationError(
                    "Device \(device.match): suffix must be enter, tab, none, cr, lf or crlf, not \(suffix).")
            }
            if let mode = device.passThrough, PassThrough(rawValue: mode) == nil {
                throw ConfigurationError(
                    "Device \(device.match): passThrough must be exclusive, shared or filter, not \(mode).")
            }
            if device.typeCards == true, device.passThrough != PassThrough.filter.rawValue {
                throw ConfigurationError(
                    "Device \(device.match): typeCards needs passThrough filter (in shared mode everything is typed anyway)."
                )
            }
        }
        if let browser {
            _ = try browser.address()
            for origin in browser.origins {
                guard let url = URL(string: origin), let scheme = url.scheme, ["http", "https"].contains(scheme),
                    url.host != nil, url.path.isEmpty || url.path == "/"
                else {
                    throw ConfigurationError(
                        "browser.origins: \(origin) is not an origin (scheme://host[:port], such as https://till.example)."
                    )
                }
            }
        }
        if let typing, !KeyDecoder.isKnownLayout(typing.layout, variant: typing.variant) {
            throw ConfigurationError(
                "typing: the keyboard layout \(typing.layout) is not known to XKB (see /usr/share/X11/xkb/rules/base.lst)."
            )
        }
    }
}

public struct ConfigurationError: Error, CustomStringConvertible, LocalizedError {
    public let description: String
    public init(_ description: String) { self.description = description }
    public var errorDescription: String? { description }
}
