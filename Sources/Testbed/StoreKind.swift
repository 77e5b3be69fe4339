import Foundation

/// The two stores a ledger runs on, for the test suites parameterised over them: each such test
/// runs on a real SQLite file and on a real PostgreSQL database (`PostgresServer`, the test
/// process's own server). Where PostgreSQL is not installed only SQLite runs, and that is said
/// once.
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }

    public static let available: [StoreKind] = {
        if let reason = PostgresServer.unavailable {
            FileHandle.standardError.write(Data("skipping the PostgreSQL runs of the store tests: \(reason)\n".utf8))
            return [.sqlite]
        }
        return allCases
    }()
}
