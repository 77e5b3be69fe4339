import LoyaltyDomain

// The program's end (issue 15, docs/program-end.md): announced at least six months ahead; from
// then the tills' answers and the cardholder's view carry the date, earning stops on it,
// spending stays possible through it, and after it the balances are frozen.

extension CoreOp {
    /// The owner announces the program's last day. Refused (`out-of-range`) when it is less than
    /// six months after today in the merchant's time zone, and (`bad-request`) when an end is
    /// already announced. Every customer who consents to mail gets the end notice (outbox kind
    /// `program-end`, once per customer).
    public enum ProgramEndAnnounce: WireOperation {
        public static let name = "program.end.announce"
        public static let role = Role.backOffice
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            /// The last day of the program, `YYYY-MM-DD`, in the merchant's time zone.
            public var date: String
            /// Who announced it (the back office's staff name), for the record.
            public var by: String?
            public init(merchant: String? = nil, date: String, by: String? = nil) {
                self.merchant = merchant
                self.date = date
                self.by = by
            }
        }
        public typealias Answer = ProgramEndAnswer
    }

    /// The announced end, if any.
    public enum ProgramEndGet: WireOperation {
        public static let name = "program.end.get"
        public static let role = Role.till
        public struct Parameters: Codable, Sendable, Equatable {
            public var merchant: String?
            public init(merchant: String? = nil) { self.merchant = merchant }
        }
        public typealias Answer = ProgramEndAnswer
    }
}

public struct ProgramEndAnswer: Sendable, Codable, Equatable {
    public var merchant: String
    /// The last day, `YYYY-MM-DD`; absent when no end is announced.
    public var date: String?
    public var announcedAt: String?
    public var announcedBy: String?
    /// On `program.end.announce`: how many end notices were recorded in the outbox.
    public var mailsRecorded: Int?
    public init(
        merchant: String, date: String?, announcedAt: String? = nil, announcedBy: String? = nil,
        mailsRecorded: Int? = nil
    ) {
        self.merchant = merchant
        self.date = date
        self.announcedAt = announcedAt
        self.announcedBy = announcedBy
        self.mailsRecorded = mailsRecorded
    }
}
