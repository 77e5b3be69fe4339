import Foundation
import GRDB
import LoyaltyDomain

extension LedgerDatabase {
    /// Records that these unprinted cards of the batch are on their way to the printer as `job`
    /// (nil: no longer, they must be sent again). Written before and right after a CUPS job is
    /// created, so a run killed mid-job can ask CUPS what became of it instead of guessing.
    public func markSubmitted(batch id: Int64, numbers: [String], job: String?) throws {
        try writer.write { db in
            let update = try db.makeStatement(
                sql: """
                    UPDATE card_batch_item SET print_job = ? WHERE batch_id = ? AND card_number = ? AND printed_at IS NULL
                    """)
            for number in numbers { try update.execute(arguments: [job, id, number]) }
            try db.execute(
                sql: "UPDATE card_batch SET state = ? WHERE id = ? AND state = ?",
                arguments: [CardBatchState.printing.rawValue, id, CardBatchState.allocated.rawValue])
        }
    }
}
