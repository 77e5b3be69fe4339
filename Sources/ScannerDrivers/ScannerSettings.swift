/// How to read one scanner node: what the device loop needs to open it. Whoever decides which
/// nodes are scanners (the gateway's classifier) hands one over per node; the drivers never
/// read configuration files themselves.
public struct ScannerSettings: Sendable, Equatable {
    public var mode: ScannerMode
    /// The scanner table's family (`honeywell` gets the HID POS enable report).
    public var family: String?
    /// XKB layout and variant the scanner emulates (keyboard mode).
    public var layout: String
    public var variant: String?
    /// Keyboard: `enter`, `tab` or `none`; serial: `cr`/`enter`, `lf`, `crlf`, `tab`.
    public var suffix: String
    /// Keyboard with suffix `none`: the silence that ends a scan.
    public var idleGap: Duration
    /// Longest scan in bytes; a longer one is `ScanOutcome.tooLong`.
    public var maximumLength: Int
    /// Keyboard: whether the node is grabbed (all but `shared`).
    public var passThrough: PassThrough

    public init(
        mode: ScannerMode, family: String? = nil, layout: String = "us", variant: String? = nil,
        suffix: String = "enter",
        idleGap: Duration = .milliseconds(50), maximumLength: Int = 4096, passThrough: PassThrough = .exclusive
    ) {
        self.mode = mode
        self.family = family
        self.layout = layout
        self.variant = variant
        self.suffix = suffix
        self.idleGap = idleGap
        self.maximumLength = maximumLength
        self.passThrough = passThrough
    }
}
