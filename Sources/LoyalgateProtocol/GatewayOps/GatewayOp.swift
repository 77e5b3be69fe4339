/// The gateway's ops on its till socket (docs/gateway.md). Every till on the socket may call
/// them; the core's roles apply to what the gateway asks the core.
public enum GatewayOp {
    /// Starts the event stream: replayed events after `since` first, then live ones.
    public enum Subscribe: WireOperation {
        public static let name = "subscribe"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable {
            /// Only these devices' events; all devices when absent.
            public var devices: [String]?
            /// The last cursor the till saw, to get what it missed.
            public var since: Int64?
            /// The gateway run that cursor belongs to.
            public var epoch: String?
            public init(devices: [String]? = nil, since: Int64? = nil, epoch: String? = nil) {
                self.devices = devices
                self.since = since
                self.epoch = epoch
            }
        }
        public struct Answer: Codable, Sendable, Equatable {
            public var devices: [Device]
            public var epoch: String
            /// The last event's cursor.
            public var cursor: Int64
            /// How many past events follow the answer.
            public var replayed: Int
            /// False when some events after `since` are no longer kept, or `epoch` is another run's.
            public var complete: Bool
            public init(devices: [Device], epoch: String, cursor: Int64, replayed: Int, complete: Bool) {
                self.devices = devices
                self.epoch = epoch
                self.cursor = cursor
                self.replayed = replayed
                self.complete = complete
            }
        }
    }

    public enum DevicesList: WireOperation {
        public static let name = "devices.list"
        public static let role = Role.till
        public typealias Parameters = NoParameters
        public struct Answer: Codable, Sendable, Equatable {
            public var devices: [Device]
            public init(devices: [Device]) {
                self.devices = devices
            }
        }
    }

    /// Everything `doctor` shows about the gateway.
    public enum GatewayStatus: WireOperation {
        public static let name = "gateway.status"
        public static let role = Role.till
        public typealias Parameters = NoParameters
        public struct Answer: Codable, Sendable, Equatable {
            public struct Core: Codable, Sendable, Equatable {
                public var connected: Bool
                public var error: String?
                public var cardRanges: [CardRange]
                public init(connected: Bool, error: String?, cardRanges: [CardRange]) {
                    self.connected = connected
                    self.error = error
                    self.cardRanges = cardRanges
                }
            }

            public var epoch: String
            public var cursor: Int64
            public var tills: Int
            /// The scanner-table files read.
            public var scannerTable: [String]
            public var core: Core
            public var nodes: [NodeStatus]
            /// Where `filter`-mode scanners' product codes are typed (a uinput device and the
            /// layout), or why they cannot be: one sentence.
            public var typing: String?
            public init(
                epoch: String, cursor: Int64, tills: Int, scannerTable: [String], core: Core, nodes: [NodeStatus],
                typing: String? = nil
            ) {
                self.typing = typing
                self.epoch = epoch
                self.cursor = cursor
                self.tills = tills
                self.scannerTable = scannerTable
                self.core = core
                self.nodes = nodes
            }
        }
    }

    /// Prints a receipt document on a configured printer (docs/receipts.md); answered with the
    /// job id before the job's first `print.job` event.
    public enum ReceiptPrint: WireOperation {
        public static let name = "receipt.print"
        public static let role = Role.till
        public typealias Parameters = ReceiptPrintRequest
        public typealias Answer = ReceiptPrintAnswer
    }

    /// Kicks the cash drawer wired to a receipt printer (a "no sale"), once per `key`: a retry
    /// with the same key is answered `replayed` and pulses nothing. Followed by `print.job` events.
    public enum DrawerOpen: WireOperation {
        public static let name = "drawer.open"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable {
            public var printer: String
            public var key: String?
            public init(printer: String, key: String? = nil) {
                self.printer = printer
                self.key = key
            }
        }
        public typealias Answer = ReceiptPrintAnswer
    }

    /// A USB receipt printer's own status (paper, cover, drawer), read with DLE EOT.
    public enum PrinterStatus: WireOperation {
        public static let name = "printer.status"
        public static let role = Role.till
        public typealias Parameters = PrinterStatusRequest
        public typealias Answer = PrinterStatusUpdate
    }

    public static let all: [any WireOperation.Type] = [
        Subscribe.self, DevicesList.self, GatewayStatus.self, ReceiptPrint.self, PrinterStatus.self, DrawerOpen.self,
        BridgePair.self, BridgePairings.self, BridgeRevoke.self,
    ]
}

/// A range of card numbers: scans starting with `prefix` are `merchant`'s cards.
public struct CardRange: Sendable, Codable, Equatable, Hashable {
    public var merchant: String?
    public var prefix: String
    public init(merchant: String?, prefix: String) {
        self.merchant = merchant
        self.prefix = prefix
    }
}
