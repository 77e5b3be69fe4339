import Foundation
import GRDB
import LoyalgateProtocol
import LoyaltyDomain

/// Card batches: fresh numbers from the merchant's range, allocated once, printed once each.
///
/// The batch and which of its cards are printed are stored, so a printing run killed half-way
/// resumes where it stopped: nothing skipped, nothing allocated twice.
public struct CardBatch: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var position: Int
        public var number: String
        public var printed: Bool
        public var job: String?

        public init(position: Int, number: String, printed: Bool, job: String?) {
            self.position = position
            self.number = number
            self.printed = printed
            self.job = job
        }
    }

    public var id: Int64
    public var merchant: String
    public var design: String
    public var printer: String?
    public var state: CardBatchState
    public var items: [Item]

    public var unprinted: [Item] { items.filter { !$0.printed } }

    public init(
        id: Int64, merchant: String, design: String, printer: String?, state: CardBatchState, items: [Item]
    ) {
        self.id = id
        self.merchant = merchant
        self.design = design
        self.printer = printer
        self.state = state
        self.items = items
    }
}

extension LedgerDatabase {
    /// The most cards one batch may allocate (`CardRangeAllocation.maximumBatchSize`).
    public static let maximumBatchSize = CardRangeAllocation.maximumBatchSize

    /// Allocates `count` never-used numbers in the merchant's range (state `issued`) and records
    /// the batch, in one transaction: all or nothing.
    public func createBatch(merchant code: String?, count: Int, design: String, printer: String?) throws -> CardBatch {
        let batchID: Int64 = try writer.write { db in
            let merchant = try Self.merchant(db, code: code)
            let numbers = try Self.allocateNumbers(db, merchant: merchant, count: count)
            try db.execute(
                sql: """
                    INSERT INTO card_batch (merchant_id, count, design, printer, state, created_at) VALUES (?, ?, ?, ?, '\(CardBatchState.allocated.rawValue)', ?)
                    """, arguments: [merchant.id, count, design, printer, nowText()])
            let batchID = db.lastInsertedRowID
            let item = try db.makeStatement(
                sql: "INSERT INTO card_batch_item (batch_id, position, card_number) VALUES (?, ?, ?)")
            for (position, number) in numbers.enumerated() {
                try item.execute(arguments: [batchID, position, number.digits])
            }
            return batchID
        }
        return try batch(id: batchID)
    }

    /// Issues `count` new cards (state `issued`, each on its own account) from the merchant's
    /// range, as `CardRangeAllocation` finds them.
    static func allocateNumbers(_ db: Database, merchant: Merchant, count: Int) throws -> [CardNumber] {
        var allocation = try CardRangeAllocation(
            merchant: merchant, count: count,
            nextSerial: try Int64.fetchOne(
                db, sql: "SELECT next_serial FROM card_range WHERE merchant_id = ?", arguments: [merchant.id]) ?? 0)
        while !allocation.isComplete {
            let candidates = try allocation.candidates()
            var taken: Set<String> = []
            for number in candidates {
                if try card(db, merchant: merchant, number: number) != nil { taken.insert(number.digits) }
            }
            allocation.accept(candidates, taken: taken)
        }
        let insert = try db.makeStatement(
            sql:
                "INSERT INTO card (merchant_id, number, account_id, status, created_at) VALUES (?, ?, ?, '\(CardStatus.issued.rawValue)', ?)"
        )
        for number in allocation.numbers {
            let accountID = try insertAccount(db, merchant: merchant, member: false)
            try insert.execute(arguments: [merchant.id, number.digits, accountID, nowText()])
        }
        try db.execute(
            sql: """
                INSERT INTO card_range (merchant_id, next_serial) VALUES (?, ?)
                ON CONFLICT (merchant_id) DO UPDATE SET next_serial = excluded.next_serial
                """, arguments: [merchant.id, allocation.nextSerial])
        return allocation.numbers
    }

    public func batch(id: Int64) throws -> CardBatch {
        try writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT b.*, m.code FROM card_batch b JOIN merchant m ON m.id = b.merchant_id WHERE b.id = ?
                        """, arguments: [id])
            else {
                throw LoyaltyError(.badRequest, "There is no card batch \(id).")
            }
            let items = try Row.fetchAll(
                db,
                sql: """
                    SELECT position, card_number, printed_at, print_job FROM card_batch_item WHERE batch_id = ? ORDER BY position
                    """, arguments: [id]
            ).map {
                CardBatch.Item(
                    position: $0["position"], number: $0["card_number"], printed: $0["printed_at"] as String? != nil,
                    job: $0["print_job"])
            }
            return CardBatch(
                id: id, merchant: row["code"], design: row["design"], printer: row["printer"],
                state: CardBatchState(rawValue: row["state"]) ?? .allocated, items: items)
        }
    }

    /// Records that these cards of the batch came off the printer in `job`; the batch is
    /// completed when none is left.
    public func markPrinted(batch id: Int64, numbers: [String], job: String) throws {
        try writer.write { db in
            for number in numbers {
                try db.execute(
                    sql: """
                        UPDATE card_batch_item SET printed_at = ?, print_job = ? WHERE batch_id = ? AND card_number = ? AND printed_at IS NULL
                        """, arguments: [nowText(), job, id, number])
            }
            let left =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM card_batch_item WHERE batch_id = ? AND printed_at IS NULL",
                    arguments: [id]) ?? 0
            // A batch marked completed again keeps the moment it was completed.
            try db.execute(
                sql: "UPDATE card_batch SET state = ?, completed_at = COALESCE(completed_at, ?) WHERE id = ?",
                arguments: [CardBatchState.afterPrinting(left: left).rawValue, left == 0 ? nowText() : nil, id])
        }
    }
}

/// A batch without its items: what a list of batches shows.
public struct CardBatchSummary: Sendable, Equatable {
    public var id: Int64
    public var merchant: String
    public var design: String
    public var printer: String?
    public var state: CardBatchState
    public var count: Int
    public var printed: Int
    public var firstNumber: String?
    public var lastNumber: String?

    public init(
        id: Int64, merchant: String, design: String, printer: String?, state: CardBatchState, count: Int,
        printed: Int, firstNumber: String?, lastNumber: String?
    ) {
        self.id = id
        self.merchant = merchant
        self.design = design
        self.printer = printer
        self.state = state
        self.count = count
        self.printed = printed
        self.firstNumber = firstNumber
        self.lastNumber = lastNumber
    }
}

extension LedgerDatabase {
    /// The merchant's batches (every merchant's when `code` is nil), newest first, at most
    /// `limit`; only batch `id` when it is given.
    public func batchSummaries(merchant code: String?, batch id: Int64? = nil, limit: Int = 100) throws
        -> [CardBatchSummary]
    {
        try writer.read { db in
            let merchantID = try code.map { try Self.merchant(db, code: $0).id }
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT b.id, m.code, b.design, b.printer, b.state, b.count,
                        (SELECT COUNT(*) FROM card_batch_item i WHERE i.batch_id = b.id AND i.printed_at IS NOT NULL) AS printed,
                        (SELECT card_number FROM card_batch_item i WHERE i.batch_id = b.id ORDER BY position LIMIT 1) AS first,
                        (SELECT card_number FROM card_batch_item i WHERE i.batch_id = b.id ORDER BY position DESC LIMIT 1) AS last
                    FROM card_batch b JOIN merchant m ON m.id = b.merchant_id
                    WHERE (?1 IS NULL OR b.merchant_id = ?1) AND (?3 IS NULL OR b.id = ?3)
                    ORDER BY b.id DESC LIMIT ?2
                    """, arguments: [merchantID, limit, id]
            ).map { row in
                CardBatchSummary(
                    id: row[0], merchant: row[1], design: row[2], printer: row[3],
                    state: CardBatchState(rawValue: row[4]) ?? .allocated, count: row[5], printed: row[6],
                    firstNumber: row[7], lastNumber: row[8])
            }
        }
    }
}
