import GRDB
import LoyalgateProtocol

extension LoyaltyError {
    /// What a till is told when the store failed for a reason that is not a rule of the program:
    /// `disk-full` when SQLite could not grow the database or its WAL (SQLITE_FULL, which SQLite
    /// also reports for ENOSPC on a write), `internal-error` otherwise. In both cases the
    /// transaction was rolled back: nothing was recorded. The cause itself goes to the log, not
    /// to the till.
    public static func storeFault(_ error: any Error) -> LoyaltyError {
        if let database = error as? DatabaseError, database.resultCode == .SQLITE_FULL {
            return LoyaltyError(
                .diskFull,
                "The loyalty core's disk is full: nothing was recorded. Ask the technician to free space, then try again."
            )
        }
        return LoyaltyError(
            .internalError, "The loyalty core could not complete this; nothing was recorded. Try again.")
    }
}
