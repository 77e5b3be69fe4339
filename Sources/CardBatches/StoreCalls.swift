import Dispatch
import Foundation
import LoyaltyStore

/// The store's async calls, waited for by the blocking printing work.
///
/// A batch's run is blocking work by nature: cairo renders, libcups uploads and is polled
/// (`PrintConnection.wait` sleeps between rounds) for up to `jobTimeout` per job. It runs on a
/// thread of its own (the command's main thread, the core's printing thread pool), never on
/// Swift's few cooperative threads, which the core needs for its tills. From there each store
/// call is started as a task and waited for, which is safe because the waiting thread is not
/// one the task needs.
struct StoreCalls: Sendable {
    let store: any CardBatchStore

    func wait<Value: Sendable>(_ call: @escaping @Sendable (any CardBatchStore) async throws -> Value) throws -> Value {
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome<Value>()
        let store = self.store
        Task {
            do {
                outcome.result = .success(try await call(store))
            } catch {
                outcome.result = .failure(error)
            }
            done.signal()
        }
        done.wait()
        return try outcome.result!.get()
    }

    /// Written by the task before it signals, read by the waiting thread after: the semaphore
    /// orders the two.
    private final class Outcome<Value>: @unchecked Sendable {
        var result: Result<Value, any Error>?
    }

    // SQLite's calls block anyway: they run right here, on the printing thread, so that a
    // batch of 50,000 cards is written there and not on one of the core's cooperative threads.
    private var sqlite: LedgerDatabase? { store as? LedgerDatabase }

    func createBatch(merchant: String?, count: Int, design: String, printer: String?) throws -> CardBatch {
        if let sqlite {
            return try sqlite.createBatch(merchant: merchant, count: count, design: design, printer: printer)
        }
        return try wait {
            try await $0.createBatch(merchant: merchant, count: count, design: design, printer: printer)
        }
    }
    func batch(id: Int64) throws -> CardBatch {
        if let sqlite { return try sqlite.batch(id: id) }
        return try wait { try await $0.batch(id: id) }
    }
    func markSubmitted(batch id: Int64, numbers: [String], job: String?) throws {
        if let sqlite { return try sqlite.markSubmitted(batch: id, numbers: numbers, job: job) }
        try wait { try await $0.markSubmitted(batch: id, numbers: numbers, job: job) }
    }
    func markPrinted(batch id: Int64, numbers: [String], job: String) throws {
        if let sqlite { return try sqlite.markPrinted(batch: id, numbers: numbers, job: job) }
        try wait { try await $0.markPrinted(batch: id, numbers: numbers, job: job) }
    }
    func cardToPrint(merchant: String?, card: String) throws -> CardToPrint {
        if let sqlite { return try sqlite.cardToPrint(merchant: merchant, card: card) }
        return try wait { try await $0.cardToPrint(merchant: merchant, card: card) }
    }
}

/// Runs blocking card work (a batch, a reprint) on a thread of its own and awaits its result,
/// for an async caller (`loyalgate cards batch --database`): the work waits for the store's
/// async calls and for CUPS, which must not happen on a cooperative thread.
public func onPrintingThread<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}
