import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore

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
