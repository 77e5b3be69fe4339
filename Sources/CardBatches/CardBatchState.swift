/// Where a stored card batch is, as `LedgerDatabase` records it (the `card_batch.state` column).
///
/// Defined here until the store's own enums land: the store still hands the state over as text.
public enum CardBatchState: String, Sendable, Equatable {
    /// Numbers allocated, nothing sent to a printer yet.
    case allocated
    /// At least one chunk has been sent.
    case printing
    /// Every card of the batch has been printed.
    case completed
}
