import Foundation
import Testbed

/// The real `loyalgate` binary, built beside the test bundle, run as a till's shop would run it.
enum Loyalgate {
    static let binary: String = {
        if let path = ProcessInfo.processInfo.environment["LOYALGATE_BIN"] { return path }
        let testBundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return testBundle.deletingLastPathComponent().appendingPathComponent("loyalgate").path
    }()

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let examples = repository.appendingPathComponent("examples")

    typealias Output = ChildProcess.Output

    /// Runs a CLI command to completion.
    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        try ChildProcess.run(binary, arguments, environment: environment)
    }

    static func temporaryDirectory() -> String {
        // Short: a Unix socket path must fit in 108 bytes.
        let path = "/tmp/lg-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
