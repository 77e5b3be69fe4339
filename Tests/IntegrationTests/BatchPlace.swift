import Foundation
import Testbed

/// Where a card-batch test's shop keeps its batches: its SQLite ledger in `--data`, or, on
/// PostgreSQL, a database of its own that the shop moved onto with `loyalgate migrate` (as a
/// shop joining a chain does); the commands and the core then run with `--database`.
struct BatchPlace {
    let kind: StoreKind
    let data: String
    /// On PostgreSQL: the database's connection string and name.
    let url: String?
    let name: String?

    /// For a shop set up on SQLite through the CLI (`CoreProcess.setUp`), its core stopped.
    init(_ kind: StoreKind, shop core: CoreProcess) throws {
        self.kind = kind
        data = core.data
        guard kind == .postgres else {
            (url, name) = (nil, nil)
            return
        }
        let database = try PostgresServer.shared().database()
        let moved = try Loyalgate.run(["migrate", "--from", core.data, "--to", database.url])
        guard moved.status == 0 else {
            throw CoreProcess.SetupError("migrate exited \(moved.status): \(moved.stderr) \(moved.stdout)")
        }
        (url, name) = (database.url, database.name)
    }

    /// `--data DIR` or `--database postgres://...` for `loyalgate cards batch` and `reprint`.
    var arguments: [String] { url.map { ["--database", $0] } ?? ["--data", data] }

    /// Starts the shop's core on this store.
    func start(_ core: CoreProcess, arguments: [String] = [], environment: [String: String] = [:]) throws {
        try core.start(
            arguments: (url.map { ["--database", $0] } ?? []) + arguments, environment: environment,
            within: .seconds(30))
    }

    /// A query's rows, one line each (columns separated by |), from whichever store holds them.
    func sql(_ query: String) throws -> [String] {
        guard let name else { return try PrintedCards.sql(data, query) }
        return try PostgresServer.shared().sql(query, database: name).split(separator: "\n").map(String.init)
    }
}
