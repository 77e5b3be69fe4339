/// One receipt printer the gateway prints on (docs/receipts.md, "Configuration").
public struct ReceiptPrinterSettings: Sendable, Hashable, Codable {
    /// What tills name in `receipt.print` (`printer`), e.g. `till-1`.
    public var id: String
    /// The CUPS queue (a raw queue, `lpadmin -m raw`).
    public var queue: String
    /// A printer model id (`loyalgate receipt models`).
    public var model: String
    /// Key into `ReceiptsConfiguration.templates`: the merchant's name, address and logo.
    public var template: String?
    /// `VID:PID[:SERIAL]` or `/dev/bus/usb/BBB/DDD` of a USB printer, to read its own status.
    public var usb: String?
    /// `partial` (default) or `full`.
    public var cut: String?
    /// Kick the cash drawer after each receipt.
    public var openDrawer: Bool?

    public init(
        id: String, queue: String, model: String, template: String? = nil, usb: String? = nil, cut: String? = nil,
        openDrawer: Bool? = nil
    ) {
        self.id = id
        self.queue = queue
        self.model = model
        self.template = template
        self.usb = usb
        self.cut = cut
        self.openDrawer = openDrawer
    }
}
