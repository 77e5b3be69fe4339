import Foundation
import LoyalgateProtocol
import LoyaltyDomain

/// What card batches and reprints need of a store (the CardBatches module): a shop's SQLite
/// ledger and a chain's PostgreSQL store both keep batches. The rules both follow (how fresh
/// numbers are found, when a batch is completed, which card a reprint prints) are here once;
/// each store only reads and writes its rows.
public protocol CardBatchStore: Sendable {
    /// Allocates `count` never-used numbers in the merchant's range (state `issued`, each on its
    /// own account) and records the batch, unprinted, in one transaction: all or nothing.
    func createBatch(merchant: String?, count: Int, design: String, printer: String?) async throws -> CardBatch
    func batch(id: Int64) async throws -> CardBatch
    /// Records that these unprinted cards are on their way to the printer as `job` (nil: no
    /// longer, they must be sent again).
    func markSubmitted(batch: Int64, numbers: [String], job: String?) async throws
    /// Records that these cards came off the printer in `job`. A card already marked printed
    /// keeps its first job: marking twice changes nothing.
    func markPrinted(batch: Int64, numbers: [String], job: String) async throws
    /// The merchant's batches (every merchant's when nil), newest first, at most `limit`; only
    /// batch `id` when it is given.
    func batchSummaries(merchant: String?, batch: Int64?, limit: Int) async throws -> [CardBatchSummary]
    /// The card a reprint of `card` prints (the one that replaced it, if it was replaced).
    func cardToPrint(merchant: String?, card: String) async throws -> CardToPrint
}

extension CardBatchStore {
    public func batchSummaries(merchant: String?, batch: Int64? = nil) async throws -> [CardBatchSummary] {
        try await batchSummaries(merchant: merchant, batch: batch, limit: 100)
    }
}

extension LedgerDatabase: CardBatchStore {}

/// The card a reprint must print: the card itself, or, when it was replaced, the card that
/// replaced it (following the chain), since the old number is retired for good.
public struct CardToPrint: Sendable, Equatable {
    public var number: String
    public var status: CardStatus
    /// The retired numbers on the way, oldest first; empty when the card was never replaced.
    public var replaced: [String]

    /// How many replacements a reprint follows at most (a loop in bad data must end).
    public static let longestChain = 1000

    /// From the chain of cards a store read: the card asked for, then each card that replaced
    /// the one before (at most `longestChain` + 1 of them).
    public init(chain: [(number: String, status: CardStatus)]) {
        let last = chain[chain.count - 1]
        number = last.number
        status = last.status
        replaced = chain.dropLast().map(\.number)
    }
}

/// Fresh numbers for a batch, in the merchant's range from its next serial on, skipping numbers
/// registered by hand earlier: the steps both stores take, each asking its own rows which of
/// the candidates are taken.
public struct CardRangeAllocation: Sendable {
    /// The most cards one batch may allocate: a card printer's day, not a typo's million.
    public static let maximumBatchSize = 50_000

    public let merchant: String
    public let prefix: String
    public let count: Int
    /// The next serial to try; stored back in the range when the batch is recorded.
    public private(set) var nextSerial: Int64
    public private(set) var numbers: [CardNumber] = []

    public var isComplete: Bool { numbers.count == count }

    /// Refuses a count out of range and a merchant without a card range.
    public init(merchant: Merchant, count: Int, nextSerial: Int64) throws {
        guard (1...Self.maximumBatchSize).contains(count) else {
            throw LoyaltyError(.badRequest, "A batch holds 1 to \(Self.maximumBatchSize) cards; \(count) was asked.")
        }
        guard let prefix = merchant.cardPrefix else {
            throw LoyaltyError(
                .badRequest, "\(merchant.code) has no card range: set merchant.cardPrefix in its program file.")
        }
        self.merchant = merchant.code
        self.prefix = prefix
        self.count = count
        self.nextSerial = nextSerial
    }

    /// The numbers to try next: as many as are still missing, from the next serial on.
    public func candidates() throws -> [CardNumber] {
        try (0..<Int64(count - numbers.count)).map { offset in
            do {
                return try CardNumber(prefix: prefix, serial: nextSerial + offset)
            } catch {
                throw LoyaltyError(
                    .badRequest, "The card range \(prefix) of \(merchant) has no room for \(count) more cards.")
            }
        }
    }

    /// Takes the candidates that are not `taken` (already registered: never given out twice).
    public mutating func accept(_ candidates: [CardNumber], taken: Set<String>) {
        numbers += candidates.filter { !taken.contains($0.digits) }
        nextSerial += Int64(candidates.count)
    }
}

extension CardBatchState {
    /// Where a batch is once cards were marked printed and `left` are still unprinted.
    public static func afterPrinting(left: Int) -> CardBatchState { left == 0 ? .completed : .printing }
}
