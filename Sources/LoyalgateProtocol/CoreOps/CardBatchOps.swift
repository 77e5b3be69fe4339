// Branded card batches ordered from the back office in a browser: the web server holds no
// database, so the core allocates the numbers, sends the cards to the card printer's CUPS queue
// and keeps the progress (docs/protocol.md, "Card batches"). `loyalgate cards batch` does the same
// on the core's machine. Handlers: LoyaltyCore/CardBatchHandlers.swift.

extension CoreOp {
    /// The card designs the core may print: the JSON files of its designs folder, by name.
    public enum BatchDesigns: WireOperation {
        public static let name = "batch.designs"
        public static let role = Role.backOffice
        public typealias Parameters = MerchantParameters
        public typealias Answer = BatchDesignsAnswer
    }

    /// One design drawn as a PNG (front above back, without guides), for the order form.
    public enum BatchPreview: WireOperation {
        public static let name = "batch.preview"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            /// A name from `batch.designs`.
            public var design: String
            public init(merchant: String? = nil, design: String) {
                self.merchant = merchant
                self.design = design
            }
        }
        public typealias Answer = BatchPreviewAnswer
    }

    /// Allocates `count` fresh numbers (state issued) and starts printing them; answers as soon
    /// as the numbers are allocated: `batch.list` shows the progress.
    public enum BatchOrder: WireOperation {
        public static let name = "batch.order"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public var count: Int
            public var design: String
            /// The CUPS queue of the card printer.
            public var printer: String
            public init(merchant: String? = nil, count: Int, design: String, printer: String) {
                self.merchant = merchant
                self.count = count
                self.design = design
                self.printer = printer
            }
        }
        public typealias Answer = BatchView
    }

    /// The merchant's batches, newest first, with how far each has printed.
    public enum BatchList: WireOperation {
        public static let name = "batch.list"
        public static let role = Role.backOffice
        public typealias Parameters = MerchantParameters
        public typealias Answer = BatchListAnswer
    }

    /// Prints what a stopped batch has not printed yet, on `printer` or the queue it was
    /// ordered on; a batch still printing is left alone.
    public enum BatchResume: WireOperation {
        public static let name = "batch.resume"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public var batch: Int64
            public var printer: String?
            public init(merchant: String? = nil, batch: Int64, printer: String? = nil) {
                self.merchant = merchant
                self.batch = batch
                self.printer = printer
            }
        }
        public typealias Answer = BatchView
    }

    /// Prints one card again and waits for the printer: a worn card with its own number, a
    /// replaced one with the number that replaced it; a blocked card is refused.
    public enum CardReprint: WireOperation {
        public static let name = "card.reprint"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public var card: String
            public var design: String
            public var printer: String
            public init(merchant: String? = nil, card: String, design: String, printer: String) {
                self.merchant = merchant
                self.card = card
                self.design = design
                self.printer = printer
            }
        }
        public typealias Answer = CardReprintAnswer
    }
}

public struct BatchDesignsAnswer: Sendable, Codable, Equatable {
    /// Design names, sorted.
    public var designs: [String]
    public init(designs: [String]) { self.designs = designs }
}

public struct BatchPreviewAnswer: Sendable, Codable, Equatable {
    public var design: String
    /// The PNG, base64.
    public var png: String
    public init(design: String, png: String) {
        self.design = design
        self.png = png
    }
}

/// A batch as the back office shows it.
public struct BatchView: Sendable, Codable, Equatable {
    /// The batch's number (`batch`: an `id` key would clash with the request's in the answer).
    public var batch: Int64
    public var merchant: String
    /// The design's name (the file's name without `.json`).
    public var design: String
    public var printer: String?
    /// `allocated`, `printing` or `completed`.
    public var state: String
    public var count: Int
    public var printed: Int
    public var firstNumber: String?
    public var lastNumber: String?
    /// A run of this core is sending it to the printer now.
    public var running: Bool
    /// Why the last run stopped (a dead printer, a failed job), for the person at the printer.
    public var problem: String?
    public init(
        batch: Int64, merchant: String, design: String, printer: String?, state: String, count: Int, printed: Int,
        firstNumber: String?, lastNumber: String?, running: Bool, problem: String?
    ) {
        self.batch = batch
        self.merchant = merchant
        self.design = design
        self.printer = printer
        self.state = state
        self.count = count
        self.printed = printed
        self.firstNumber = firstNumber
        self.lastNumber = lastNumber
        self.running = running
        self.problem = problem
    }
}

public struct BatchListAnswer: Sendable, Codable, Equatable {
    public var batches: [BatchView]
    public init(batches: [BatchView]) { self.batches = batches }
}

public struct CardReprintAnswer: Sendable, Codable, Equatable {
    /// The number printed.
    public var number: String
    /// The numbers it replaced, oldest first, when the card asked for had been replaced.
    public var replaced: [String]
    public var printer: String
    public var job: Int
    public init(number: String, replaced: [String], printer: String, job: Int) {
        self.number = number
        self.replaced = replaced
        self.printer = printer
        self.job = job
    }
}
