import Foundation
import Testbed
import Testing

/// The store a socket test's core runs on: the same test, over the same socket, against the
/// SQLite file and against a real PostgreSQL (Testbed.PostgresServer), where one is installed.
enum TestStore: String, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// Both stores where PostgreSQL is installed (`.ci/run` installs it), SQLite alone otherwise.
    static var available: [TestStore] { PostgresServer.unavailable == nil ? [.sqlite, .postgres] : [.sqlite] }
}

extension CoreProcess {
    /// Starts the core on `store`. On PostgreSQL the shop set up in `data` (`setUp`: programs
    /// and cards through the CLI) first moves onto a database of its own with `loyalgate
    /// migrate`, as a shop joining a chain does; the core then runs with `--database` and the
    /// shop's personal-data key (`--data`'s keys folder).
    func start(on store: TestStore, arguments: [String] = []) throws {
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
