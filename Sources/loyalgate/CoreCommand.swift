import ArgumentParser
import Dispatch
import Foundation
import Logging
import LoyalgateProtocol
import LoyaltyCore
import LoyaltyDomain
import LoyaltyStore
import SocketServer

struct Core: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "core",
        abstract: "The loyalty core: owns the database and serves core ops on a Unix socket.",
        subcommands: [Serve.self, Verify.self],
        defaultSubcommand: Serve.self)

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve", abstract: "Serve core ops (the default: `loyalgate core --data DIR --socket PATH`).")

        @OptionGroup var data: DataOptions

        @Option(help: "The Unix socket to serve on.")
        var socket: String = ".loyalgate/core.sock"

        func run() async throws {
            let logger = Logger(label: "loyalgate.core")
            let database = try LedgerDatabase(directory: URL(fileURLWithPath: data.data))
            let service = CoreService(database: database)
            let server = JSONLineServer(
                path: socket, logger: logger,
                tooLargeAnswer: { Frame.failure(id: nil, LoyaltyError(.frameTooLarge, "The request is longer than 65536 bytes; the connection is closed.")) },
                handler: { line, _ in await service.answer(line: line) })
            let signals = SignalWatcher { name in
                logger.info("stopping", metadata: ["signal": "\(name)"])
                server.stop()
            }
            try await server.run()
            signals.cancel()
            try database.close()
            logger.info("stopped")
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute every balance from the ledger and report any difference (exit 1 if any).")

        @OptionGroup var data: DataOptions

        func run() async throws {
            let database = try LedgerDatabase(directory: URL(fileURLWithPath: data.data))
            let report = try database.verify()
            print("checked \(report.accounts) accounts, \(report.transactions) till transactions, \(report.entries) ledger entries")
            for problem in report.problems { print("DIFFERENCE: \(problem)") }
            guard report.problems.isEmpty else { throw ExitCode(1) }
            print("ledger consistent: every balance equals the sum of its entries")
        }
    }
}

/// Turns SIGTERM and SIGINT into a call instead of the default sudden exit.
/// Unchecked: the sources are set once in `init` and only cancelled afterwards.
final class SignalWatcher: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    init(onSignal: @escaping @Sendable (String) -> Void) {
        sources = [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")].map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { onSignal(name) }
            source.resume()
            return source
        }
    }

    func cancel() { sources.forEach { $0.cancel() } }
}
