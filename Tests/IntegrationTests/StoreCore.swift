import Foundation
import LoyalgateClient
import LoyalgateProtocol
import LoyaltyDomain
import Testbed

/// The two stores the real core runs on: the suites parameterised over them run each test
/// against `loyalgate core --data DIR` (SQLite) and `loyalgate core --database postgres://...`
/// (a real PostgreSQL, `PostgresServer`). Where PostgreSQL is not installed only SQLite runs,
/// and that is said once.
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    var description: String { rawValue }

    static let available: [StoreKind] = {
        if let reason = PostgresServer.unavailable {
            FileHandle.standardError.write(Data("skipping the PostgreSQL runs of the socket tests: \(reason)\n".utf8))
            return [.sqlite]
        }
        return allCases
    }()
}

/// A real `loyalgate core` on either store, set up as a technician would: on SQLite with
/// `program import --data` and `cards add --data`; on PostgreSQL with `core init` as the
/// database's owner, the core on the role that made, the programs through `program.import`
/// and the cards with `cards add --database` (as the owner).
final class StoreCore {
    let kind: StoreKind
    let process = CoreProcess()
    /// On PostgreSQL: the cores' and the owner's connection strings.
    private(set) var database: String?
    private(set) var owner: String?

    var data: String { process.data }

    /// Sets the store up with `programs`, `cards` (active) and `issued` cards, and starts the core.
    init(
        _ kind: StoreKind, programs: [String], cards: [String] = [], issued: [String] = [], member: Bool = false
    ) throws {
        self.kind = kind
        switch kind {
        case .sqlite:
            try process.setUp(programs: programs, cards: cards, member: member)
            if !issued.isEmpty { try addCards(issued, status: "issued") }
            try process.start()
        case .postgres:
            let chain = try PostgresChainTests.chainDatabase()
            database = chain.core
            owner = chain.owner
            try process.start(arguments: ["--database", chain.core], within: .seconds(30))
            let client = try process.typedClient()
            for program in programs {
                let text = try String(
                    contentsOf: Loyalgate.examples.appendingPathComponent(program + ".json"), encoding: .utf8)
                _ = try client.call(CoreOp.ProgramImport.self, .init(file: text))
            }
            if !cards.isEmpty { try addCards(cards, member: member) }
            if !issued.isEmpty { try addCards(issued, status: "issued") }
        }
    }

    /// `loyalgate cards add` on this store (on SQLite before the core starts).
    func addCards(_ cards: [String], status: String = "active", member: Bool = false) throws {
        let place = owner.map { ["--database", $0] } ?? ["--data", data]
        let result = try Loyalgate.run(
            ["cards", "add"] + place + ["--status", status] + (member ? ["--member"] : []) + cards)
        guard result.status == 0 else {
            throw CoreProcess.SetupError("cards add exited \(result.status): \(result.stderr) \(result.stdout)")
        }
    }

    func typedClient() throws -> LoyalgateClient { try process.typedClient() }
    func client() throws -> UnixLineClient { try process.client() }
    func terminate() -> Int32 { process.terminate() }

    /// `loyalgate core verify` on this store (run it after `terminate` on SQLite).
    func verify() throws -> Loyalgate.Output {
        try Loyalgate.run(["core", "verify"] + (database.map { ["--database", $0] } ?? ["--data", data]))
    }
}
