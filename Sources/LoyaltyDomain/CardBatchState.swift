/// Where a batch of printed cards is: numbers allocated, cards on their way to the card printer,
/// every card printed. A batch never goes back.
public enum CardBatchState: String, Sendable, Codable, CaseIterable {
    case allocated
    case printing
    case completed
}
