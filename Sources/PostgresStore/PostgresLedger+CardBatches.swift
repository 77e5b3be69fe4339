import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PostgresNIO

// Card batches, as the SQLite store's LedgerDatabase+Batches, +BatchPrinting and +Reprint, with
// the same rules (`CardRangeAllocation`, `CardBatchState.afterPrinting`, `CardToPrint`).
//
// Several cores may order batches at once: the merchant's card_range row is locked (`FOR
// UPDATE`) for the whole allocation, so the second core waits, then reads the serial the first
// one left and allocates after it. UNIQUE (merchant, number) on card refuses a clash a bug might
// still let through.
extension PostgresLedger: CardBatchStore {
    public func createBatch(merchant code: String?, count: Int, design: String, printer: String?) async throws
        -> CardBatch
    {
        let id = try await transaction { connection in
            let merchant = try await self.merchant(connection, code: code)
            try await connection.run(
                "INSERT INTO card_range (merchant_id, next_serial) VALUES (\(merchant.id), 0) ON CONFLICT DO NOTHING",
                logger: self.logger)
            let serial = try await connection.row(
                "SELECT next_serial FROM card_range WHERE merchant_id = \(merchant.id) FOR UPDATE",
                logger: self.logger)!.int("next_serial")
            var allocation = try CardRangeAllocation(merchant: merchant, count: count, nextSerial: serial)
            while !allocation.isComplete {
                let candidates = try allocation.candidates()
                let taken = try await connection.rows(
                    """
                    SELECT number FROM card WHERE merchant_id = \(merchant.id)
                    AND number = ANY(\(candidates.map(\.digits)))
                    """, logger: self.logger
                ).map { try $0.text("number") }
                allocation.accept(candidates, taken: Set(taken))
            }
            let numbers = allocation.numbers.map(\.digits)
            let now = Timestamp.format(Date())
            // Each card on a fresh account of its own: which account goes with which number does
            // not matter, they are all alike.
            let accounts = try await connection.rows(
                """
                INSERT INTO account (merchant_id, member, created_at)
                SELECT \(merchant.id), 0, \(now) FROM generate_series(1, \(Int64(numbers.count))) RETURNING id
                """, logger: self.logger
            ).map { try $0.int("id") }
            try await connection.run(
                """
                INSERT INTO card (merchant_id, number, account_id, status, created_at)
                SELECT \(merchant.id), n, a, \(CardStatus.issued.rawValue), \(now)
                FROM unnest(\(numbers)::text[], \(accounts)::bigint[]) AS t(n, a)
                """, logger: self.logger)
            try await connection.run(
                "UPDATE card_range SET next_serial = \(allocation.nextSerial) WHERE merchant_id = \(merchant.id)",
                logger: self.logger)
            let batch = try await connection.row(
                """
                INSERT INTO card_batch (merchant_id, count, design, printer, state, created_at)
                VALUES (\(merchant.id), \(Int64(count)), \(design), \(printer), \(CardBatchState.allocated.rawValue),
                        \(now)) RETURNING id
                """, logger: self.logger)!.int("id")
            try await connection.run(
                """
                INSERT INTO card_batch_item (batch_id, position, card_number)
                SELECT \(batch), position - 1, n FROM unnest(\(numbers)::text[]) WITH ORDINALITY AS t(n, position)
                """, logger: self.logger)
            return batch
        }
        return try await batch(id: id)
    }

    public func batch(id: Int64) async throws -> CardBatch {
        try await read { connection in
            guard
                let row = try await connection.row(
                    """
                    SELECT b.design, b.printer, b.state, m.code FROM card_batch b JOIN merchant m ON m.id = b.merchant_id
                    WHERE b.id = \(id)
                    """, logger: self.logger)
            else {
                throw LoyaltyError(.badRequest, "There is no card batch \(id).")
            }
            let items = try await connection.rows(
                """
                SELECT position, card_number, printed_at, print_job FROM card_batch_item
                WHERE batch_id = \(id) ORDER BY position
                """, logger: self.logger
            ).map {
                CardBatch.Item(
                    position: Int(try $0.int("position")), number: try $0.text("card_number"),
                    printed: try $0.optionalText("printed_at") != nil, job: try $0.optionalText("print_job"))
            }
            return CardBatch(
                id: id, merchant: try row.text("code"), design: try row.text("design"),
                printer: try row.optionalText("printer"),
                state: CardBatchState(rawValue: try row.text("state")) ?? .allocated, items: items)
        }
    }

    public func markSubmitted(batch id: Int64, numbers: [String], job: String?) async throws {
        try await transaction { connection in
            try await connection.run(
                """
                UPDATE card_batch_item SET print_job = \(job)
                WHERE batch_id = \(id) AND card_number = ANY(\(numbers)) AND printed_at IS NULL
                """, logger: self.logger)
            try await connection.run(
                """
                UPDATE card_batch SET state = \(CardBatchState.printing.rawValue)
                WHERE id = \(id) AND state = \(CardBatchState.allocated.rawValue)
                """, logger: self.logger)
        }
    }

    public func markPrinted(batch id: Int64, numbers: [String], job: String) async throws {
        try await transaction { connection in
            // The batch row first, locked: two cores marking cards of one batch count what is
            // left one after the other.
            _ = try await connection.row("SELECT id FROM card_batch WHERE id = \(id) FOR UPDATE", logger: self.logger)
            let now = Timestamp.format(Date())
            try await connection.run(
                """
                UPDATE card_batch_item SET printed_at = \(now), print_job = \(job)
                WHERE batch_id = \(id) AND card_number = ANY(\(numbers)) AND printed_at IS NULL
                """, logger: self.logger)
            let left = try await connection.row(
                "SELECT COUNT(*) AS n FROM card_batch_item WHERE batch_id = \(id) AND printed_at IS NULL",
                logger: self.logger)!.int("n")
            // A batch marked completed again keeps the moment it was completed.
            try await connection.run(
                """
                UPDATE card_batch SET state = \(CardBatchState.afterPrinting(left: Int(left)).rawValue),
                       completed_at = COALESCE(completed_at, \(left == 0 ? now : nil))
                WHERE id = \(id)
                """, logger: self.logger)
        }
    }

    public func batchSummaries(merchant code: String?, batch id: Int64?, limit: Int) async throws
        -> [CardBatchSummary]
    {
        try await read { connection in
            let merchantID = try await code.asyncMap { try await self.merchant(connection, code: $0).id }
            return try await connection.rows(
                """
                SELECT b.id, m.code, b.design, b.printer, b.state, b.count,
                    (SELECT COUNT(*) FROM card_batch_item i WHERE i.batch_id = b.id AND i.printed_at IS NOT NULL) AS printed,
                    (SELECT card_number FROM card_batch_item i WHERE i.batch_id = b.id ORDER BY position LIMIT 1) AS first,
                    (SELECT card_number FROM card_batch_item i WHERE i.batch_id = b.id ORDER BY position DESC LIMIT 1) AS last
                FROM card_batch b JOIN merchant m ON m.id = b.merchant_id
                WHERE (\(merchantID)::bigint IS NULL OR b.merchant_id = \(merchantID))
                  AND (\(id)::bigint IS NULL OR b.id = \(id))
                ORDER BY b.id DESC LIMIT \(Int64(limit))
                """, logger: self.logger
            ).map { row in
                CardBatchSummary(
                    id: try row.int("id"), merchant: try row.text("code"), design: try row.text("design"),
                    printer: try row.optionalText("printer"),
                    state: CardBatchState(rawValue: try row.text("state")) ?? .allocated,
                    count: Int(try row.int("count")), printed: Int(try row.int("printed")),
                    firstNumber: try row.optionalText("first"), lastNumber: try row.optionalText("last"))
            }
        }
    }

    public func cardToPrint(merchant code: String?, card text: String) async throws -> CardToPrint {
        let number = try CardNumber(text)
        return try await read { connection in
            let merchant = try await self.merchant(connection, code: code)
            var card = try await self.requireCard(connection, merchant: merchant, number: number)
            var chain = [(number: card.number, status: card.status)]
            while card.status == .replaced, chain.count <= CardToPrint.longestChain,
                let next = try await connection.row(
                    "SELECT replaced_by FROM card WHERE id = \(card.id)", logger: self.logger)?.optionalText(
                        "replaced_by")
            {
                card = try await self.requireCard(connection, merchant: merchant, number: try CardNumber(next))
                chain.append((number: card.number, status: card.status))
            }
            return CardToPrint(chain: chain)
        }
    }
}

extension Optional {
    fileprivate func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
