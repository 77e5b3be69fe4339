import LoyaltyDomain

// What a shop's back office reads and records beside the card and customer ops: the figures of
// its dashboard and the audit log of who did what (docs/protocol.md, "Back office").
// Handlers: LoyaltyCore/BackOfficeHandlers.swift.

extension CoreOp {
    /// Today's and this month's earns, redeems and returns (days and months in the merchant's
    /// time zone), active cards, and what the shop owes its customers.
    public enum ReportSummary: WireOperation {
        public static let name = "report.summary"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            /// The instant "today" is judged at (RFC 3339); now when absent.
            public var at: String?
            public init(merchant: String? = nil, at: String? = nil) {
                self.merchant = merchant
                self.at = at
            }
        }
        public typealias Answer = SummaryAnswer
    }

    /// Records one back-office action (block, replace, erase, export, ...) by a named member of
    /// staff. The entry is the core's: append-only, like the ledger.
    public enum AuditAppend: WireOperation {
        public static let name = "audit.append"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            /// Who did it: the staff member's user name in the back office.
            public var user: String
            /// What: an identifier such as `card.block`, `customer.erase`, `customer.export`.
            public var action: String
            /// On what: a card number or `customer:ID`.
            public var subject: String
            /// A short sentence (a reason, the new card); at most 500 characters.
            public var detail: String?
            public init(merchant: String? = nil, user: String, action: String, subject: String, detail: String? = nil) {
                self.merchant = merchant
                self.user = user
                self.action = action
                self.subject = subject
                self.detail = detail
            }
        }
        public typealias Answer = AuditEntry
    }

    /// The merchant's audit log, newest first.
    public enum AuditList: WireOperation {
        public static let name = "audit.list"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            /// At most this many entries (1 to 1000; 100 when absent).
            public var limit: Int?
            public init(merchant: String? = nil, limit: Int? = nil) {
                self.merchant = merchant
                self.limit = limit
            }
        }
        public typealias Answer = AuditAnswer
    }
}

public struct SummaryAnswer: Sendable, Codable, Equatable {
    /// Counts and sums of one period's ledger entries.
    public struct Period: Sendable, Codable, Equatable {
        /// The period's first local date, `2026-11-24`.
        public var from: String
        public var earns: Int
        public var pointsEarned: Int64
        public var redeems: Int
        public var pointsRedeemed: Int64
        /// Discount spent, a decimal string.
        public var discountRedeemed: String
        public var returns: Int
        public init(
            from: String, earns: Int, pointsEarned: Int64, redeems: Int, pointsRedeemed: Int64,
            discountRedeemed: String, returns: Int
        ) {
            self.from = from
            self.earns = earns
            self.pointsEarned = pointsEarned
            self.redeems = redeems
            self.pointsRedeemed = pointsRedeemed
            self.discountRedeemed = discountRedeemed
            self.returns = returns
        }
    }

    public var merchant: String
    public var currency: String
    public var timeZone: String
    public var today: Period
    public var month: Period
    public var activeCards: Int
    /// Points held on all the merchant's accounts.
    public var pointsOutstanding: Int64
    /// Discount balances held, a decimal string.
    public var discountOutstanding: String
    public init(
        merchant: String, currency: String, timeZone: String, today: Period, month: Period, activeCards: Int,
        pointsOutstanding: Int64, discountOutstanding: String
    ) {
        self.merchant = merchant
        self.currency = currency
        self.timeZone = timeZone
        self.today = today
        self.month = month
        self.activeCards = activeCards
        self.pointsOutstanding = pointsOutstanding
        self.discountOutstanding = discountOutstanding
    }
}

/// On the wire the entry's number is `entry`: an `id` key would sit beside the answer's own
/// request `id` in the same flat object and replace it (as with `CustomerRecord`).
public struct AuditEntry: Sendable, Codable, Equatable {
    public var id: Int64
    public var user: String
    public var action: String
    public var subject: String
    public var detail: String?
    public var at: String
    public init(id: Int64, user: String, action: String, subject: String, detail: String?, at: String) {
        self.id = id
        self.user = user
        self.action = action
        self.subject = subject
        self.detail = detail
        self.at = at
    }

    private enum CodingKeys: String, CodingKey {
        case id = "entry"
        case user, action, subject, detail, at
    }
}

public struct AuditAnswer: Sendable, Codable, Equatable {
    public var entries: [AuditEntry]
    public init(entries: [AuditEntry]) {
        self.entries = entries
    }
}

extension CoreOp {
    /// A new program file for the merchant it names, checked as `loyalgate program import`
    /// checks it; stored as the next version unless the rules are unchanged.
    public enum ProgramImport: WireOperation {
        public static let name = "program.import"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            /// The program file's text (JSON, docs/program-file.md). A duty roster must be given
            /// inline (`closed.periods`): the core reads no file a caller names.
            public var file: String
            public init(merchant: String? = nil, file: String) {
                self.merchant = merchant
                self.file = file
            }
        }
        public typealias Answer = ProgramImportAnswer
    }

    /// The merchant's current program and the list of its versions, newest first.
    public enum ProgramVersions: WireOperation {
        public static let name = "program.versions"
        public static let role = Role.backOffice
        public typealias Parameters = MerchantParameters
        public typealias Answer = ProgramVersionsAnswer
    }
}

public struct ProgramImportAnswer: Sendable, Codable, Equatable {
    public var merchant: String
    public var version: Int
    /// False when the file's rules equal the current version's, so nothing was stored.
    public var created: Bool
    public init(merchant: String, version: Int, created: Bool) {
        self.merchant = merchant
        self.version = version
        self.created = created
    }
}

public struct ProgramVersionsAnswer: Sendable, Codable, Equatable {
    public struct Version: Sendable, Codable, Equatable {
        public var version: Int
        public var createdAt: String
        public init(version: Int, createdAt: String) {
            self.version = version
            self.createdAt = createdAt
        }
    }

    public var merchant: String
    /// The current version's whole file, as stored.
    public var current: ProgramFile
    public var versions: [Version]
    public init(merchant: String, current: ProgramFile, versions: [Version]) {
        self.merchant = merchant
        self.current = current
        self.versions = versions
    }
}

extension CoreOp {
    /// One page of the merchant's CSV export (`cards`, `customers` or `ledger`), as
    /// `loyalgate export` writes the files: the back office in a browser streams them page by page.
    public enum ExportPage: WireOperation {
        public static let name = "export.page"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            /// `cards`, `customers` or `ledger`.
            public var file: String
            /// The `next` of the previous page; absent for the first (which starts with the header).
            public var after: Int64?
            /// Rows per page, 1 to 5000; 500 when absent.
            public var limit: Int?
            public init(merchant: String? = nil, file: String, after: Int64? = nil, limit: Int? = nil) {
                self.merchant = merchant
                self.file = file
                self.after = after
                self.limit = limit
            }
        }
        public typealias Answer = ExportPageAnswer
    }
}

public struct ExportPageAnswer: Sendable, Codable, Equatable {
    /// CSV lines (RFC 4180, spreadsheet-safe cells), the header first on the first page.
    public var csv: String
    public var rows: Int
    /// The `after` of the next page; absent on the last.
    public var next: Int64?
    public init(csv: String, rows: Int, next: Int64?) {
        self.csv = csv
        self.rows = rows
        self.next = next
    }
}
