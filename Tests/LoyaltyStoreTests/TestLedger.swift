import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import PostgresStore
import Testbed

/// A real SQLite database in a fresh temporary folder, with the example program files loaded.
struct TestLedger {
    let directory: URL
    let database: LedgerDatabase

    static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples")

    init(programs: [String] = []) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("loyalgate-test-\(UUID().uuidString)")
        database = try LedgerDatabase(directory: directory)
        for name in programs {
            _ = try database.importProgram(try Self.program(name))
        }
    }

    static func program(_ name: String) throws -> ProgramFile {
        try ProgramFile.read(contentsOf: examples.appendingPathComponent(name + ".json"))
    }

    func card(_ prefix: String, _ serial: Int64) -> String { try! CardNumber(prefix: prefix, serial: serial).digits }

    func addCard(_ number: String, merchant: String? = nil, status: CardStatus = .active, member: Bool = false) throws {
        try database.addCards(merchant: merchant, numbers: [try CardNumber(number)], status: status, member: member)
    }

    func earn(
        _ card: String, receipt: String, till: String = "till-1", merchant: String? = nil,
        at: String? = "2026-11-24T10:00:00Z", _ lines: [SaleLineInput]
    ) async throws -> TxnAnswer {
        try await database.earn(
            .init(merchant: merchant, card: card, till: till, receipt: receipt, lines: lines, at: at))
    }

    func redeem(
        _ card: String, receipt: String, till: String = "till-1", merchant: String? = nil, points: Int64? = nil,
        amount: String? = nil, reward: String? = nil, purchaseTotal: String? = nil, cash: Bool = false,
        at: String? = nil
    ) async throws -> TxnAnswer {
        try await database.redeem(
            .init(
                merchant: merchant, card: card, till: till, receipt: receipt, points: points,
                amount: amount, reward: reward, purchaseTotal: purchaseTotal, cash: cash, at: at))
    }

    func giveBack(
        receipt: String, original: String, till: String = "till-1", merchant: String? = nil,
        _ lines: [SaleLineInput]
    ) async throws -> TxnAnswer {
        try await database.returnLines(
            .init(
                merchant: merchant, till: till, receipt: receipt,
                original: .init(till: till, receipt: original), lines: lines))
    }
}

/// The error code an async call fails with, or nil when it succeeds.
func errorCode(_ body: () async throws -> Any) async -> LoyaltyError.Code? {
    do {
        _ = try await body()
        return nil
    } catch let error as LoyaltyError {
        return error.code
    } catch let violation as RuleViolation {
        return LoyaltyError(violation).code
    } catch {
        return .internalError
    }
}

/// A fresh ledger on either store, with the example program files loaded, and the few things
/// tests do that are not ops: registering cards, importing a program, tampering on purpose.
struct StoreLedger {
    let kind: StoreKind
    let store: any LedgerStore
    let sqlite: TestLedger?
    let postgres: PostgresLedger?
    let server: PostgresServer?
    let databaseName: String?
    /// The PostgreSQL database's connection string and owner role.
    var url: String? = nil
    var owner: String? = nil

    static func open(_ kind: StoreKind, programs: [String] = []) async throws -> StoreLedger {
        switch kind {
        case .sqlite:
            let ledger = try TestLedger(programs: programs)
            return StoreLedger(
                kind: kind, store: ledger.database, sqlite: ledger, postgres: nil, server: nil, databaseName: nil)
        case .postgres:
            let server = try PostgresServer.shared()
            let database = try server.database()
            let key = FileManager.default.temporaryDirectory.appendingPathComponent(
                "loyalgate-key-\(UUID().uuidString)/personal-data.key")
            let store = try await PostgresLedger.connect(url: database.url, keyPath: key.path)
            for name in programs { _ = try await store.storeProgram(try TestLedger.program(name)) }
            return StoreLedger(
                kind: kind, store: store, sqlite: nil, postgres: store, server: server, databaseName: database.name,
                url: database.url, owner: database.owner)
        }
    }

    func card(_ prefix: String, _ serial: Int64) -> String { try! CardNumber(prefix: prefix, serial: serial).digits }

    /// The store's card batches (`CardBatchStore`).
    var batches: any CardBatchStore { sqlite?.database ?? postgres! }

    func addCard(_ number: String, merchant: String? = nil, status: CardStatus = .active, member: Bool = false)
        async throws
    {
        if let sqlite {
            try sqlite.addCard(number, merchant: merchant, status: status, member: member)
        } else {
            try await postgres!.addCards(
                merchant: merchant, numbers: [try CardNumber(number)], status: status, member: member)
        }
    }

    func importProgram(_ file: ProgramFile) async throws -> LedgerDatabase.ImportedProgram {
        try await store.storeProgram(file)
    }

    func verify() async throws -> VerifyReport {
        if let postgres { return try await postgres.verifyReport() }
        return try sqlite!.database.verify()
    }

    /// Raw SQL behind the store's back (as its database's superuser on PostgreSQL).
    func tamper(_ sql: String) throws {
        if let sqlite {
            try sqlite.database.unsafeExecute(sql)
        } else {
            try server!.sql(sql, database: databaseName!)
        }
    }

    func close() async {
        await postgres?.close()
    }

    /// Closes the store and removes a SQLite ledger's folder: for tests that make many ledgers
    /// (property tests and their shrinking), so that they hold no files or connections open.
    func discard() async {
        await postgres?.close()
        if let sqlite {
            try? sqlite.database.close()
            try? FileManager.default.removeItem(at: sqlite.directory)
        }
    }

    func earn(
        _ card: String, receipt: String, till: String = "till-1", merchant: String? = nil,
        at: String? = "2026-11-24T10:00:00Z", _ lines: [SaleLineInput]
    ) async throws -> TxnAnswer {
        try await store.earn(.init(merchant: merchant, card: card, till: till, receipt: receipt, lines: lines, at: at))
    }

    func redeem(
        _ card: String, receipt: String, till: String = "till-1", merchant: String? = nil, points: Int64? = nil,
        amount: String? = nil, reward: String? = nil, purchaseTotal: String? = nil, cash: Bool = false,
        at: String? = nil
    ) async throws -> TxnAnswer {
        try await store.redeem(
            .init(
                merchant: merchant, card: card, till: till, receipt: receipt, points: points,
                amount: amount, reward: reward, purchaseTotal: purchaseTotal, cash: cash, at: at))
    }

    func giveBack(
        receipt: String, original: String, till: String = "till-1", merchant: String? = nil,
        _ lines: [SaleLineInput]
    ) async throws -> TxnAnswer {
        try await store.returnLines(
            .init(
                merchant: merchant, till: till, receipt: receipt,
                original: .init(till: till, receipt: original), lines: lines))
    }
}
