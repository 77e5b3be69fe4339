import Foundation
import LoyalgateClient
import LoyalgateProtocol
import LoyaltyDomain
import Testbed

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
    var socket: String { process.socket }

    /// Sets the store up with the example `programs`, program files of the test's own
    /// (`programTexts`), `cards` (active) and `issued` cards, and starts the core. With `start`
    /// false a SQLite core is left stopped for more set-up (`addCards`, then `start()`); a
    /// PostgreSQL core runs from here on (its programs are imported through it).
    init(
        _ kind: StoreKind, programs: [String] = [], programTexts: [String] = [], cards: [String] = [],
        issued: [String] = [], member: Bool = false, start: Bool = true
    ) throws {
        self.kind = kind
        switch kind {
        case .sqlite:
            try process.setUp(programs: programs)
            for (index, text) in programTexts.enumerated() {
                let path = process.data + "/program-\(index).json"
                guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
                    throw CoreProcess.SetupError("cannot write \(path)")
                }
                let result = try Loyalgate.run(["program", "import", "--data", process.data, path])
                guard result.status == 0 else {
                    throw CoreProcess.SetupError("program import exited \(result.status): \(result.stderr)")
                }
            }
            try process.setUp(programs: [], cards: cards, member: member)
            if !issued.isEmpty { try addCards(issued, status: "issued") }
            if start { try self.start() }
        case .postgres:
            let chain = try PostgresChainTests.chainDatabase()
            database = chain.core
            owner = chain.owner
            try self.start()
            let client = try process.typedClient()
            let texts =
                try programs.map {
                    try String(contentsOf: Loyalgate.examples.appendingPathComponent($0 + ".json"), encoding: .utf8)
                } + programTexts
            for text in texts { _ = try client.call(CoreOp.ProgramImport.self, .init(file: text)) }
            if !cards.isEmpty { try addCards(cards, member: member) }
            if !issued.isEmpty { try addCards(issued, status: "issued") }
        }
    }

    /// Starts the core (again, after `terminate`); a running core is left as it is.
    func start() throws {
        guard process.process == nil else { return }
        if let database {
            try process.start(arguments: ["--database", database], within: .seconds(30))
        } else {
            try process.start()
        }
    }

    /// `loyalgate cards add` on this store (on SQLite while the core is stopped).
    func addCards(_ cards: [String], status: String = "active", member: Bool = false, merchant: String? = nil)
        throws
    {
        let place = owner.map { ["--database", $0] } ?? ["--data", data]
        let result = try Loyalgate.run(
            ["cards", "add"] + place + ["--status", status] + (member ? ["--member"] : [])
                + (merchant.map { ["--merchant", $0] } ?? []) + cards)
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

extension CoreProcess {
    /// Starts the core on `store`, for a test that set its shop up on SQLite through the CLI
    /// (`setUp`): on PostgreSQL that shop first moves onto a database of its own with
    /// `loyalgate migrate`, as a shop joining a chain does, and the core then runs with
    /// `--database` and the shop's personal-data key (`--data`'s keys folder). `StoreCore` sets
    /// a chain up from nothing instead.
    func start(on store: StoreKind, arguments: [String] = []) throws {
        switch store {
        case .sqlite:
            try start(arguments: arguments)
        case .postgres:
            let database = try PostgresServer.shared().database()
            let moved = try Loyalgate.run(["migrate", "--from", data, "--to", database.url])
            guard moved.status == 0 else {
                throw SetupError("migrate exited \(moved.status): \(moved.stderr) \(moved.stdout)")
            }
            try start(arguments: ["--database", database.url] + arguments, within: .seconds(30))
        }
    }
}
