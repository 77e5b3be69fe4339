import ArgumentParser
import Foundation
import Logging
import LoyalgateClient
import LoyalgateProtocol
import LoyaltyCore
import LoyaltyDomain
import LoyaltyStore
import SocketServer
import Testbed

/// For someone with no hardware: a core with a demo pharmacy on the embedded SQLite database,
/// the gateway on emulated scanners (when umockdev is installed) showing what a till receives,
/// and a till going through a day's transactions over the real socket.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a demo: a core with a demo merchant, the gateway on emulated scanners, and a till.")

    @Option(help: "Where the demo keeps its data (a new temporary folder by default).") var data: String?

    func run() async throws {
        let directory =
            data
            ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("loyalgate-demo-\(getpid())").path
        let database = try LedgerDatabase(directory: URL(fileURLWithPath: directory))
        _ = try database.importProgram(Self.program)
        let cards = try (1...3).map { try CardNumber(prefix: "2990001", serial: Int64($0)) }
        for card in cards where (try? await database.lookup(merchant: nil, card: card.digits)) == nil {
            try database.addCards(merchant: nil, numbers: [card])
        }
        let socket = directory + "/core.sock"
        let service = CoreService(store: database)
        let server = JSONLineServer(
            path: socket, logger: Logger(label: "loyalgate.demo"),
            handler: { line, _ in await service.answer(line: line) })
        print("core: \(directory)/loyalgate.sqlite, socket \(socket)\n")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            try await Self.waitForSocket(socket)
            _ = try Self.playScanners(coreSocket: socket, directory: directory, cards: cards)
            try Self.playTill(socket: socket, card: cards[0].digits)
            server.stop()
            try await group.waitForAll()
        }
        let report = try database.verify()
        print(
            "\nverify: \(report.accounts) accounts, \(report.entries) entries, \(report.problems.isEmpty ? "consistent" : "DIFFERENCES FOUND")"
        )
    }

    /// The core runs in this process (a task of the group), so waiting must not block the task's
    /// thread: polled with the launcher's check, with a time limit.
    static func waitForSocket(_ path: String) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while !ChildProcess.accepts(path) {
            guard ContinuousClock.now < deadline else { throw ValidationError("The demo core did not start.") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    static func playTill(socket: String, card: String) throws {
        let client = try UnixLineClient(path: socket)
        let receipt = "R\(Int(Date().timeIntervalSince1970))"
        let steps: [(String, String)] = [
            ("The customer hands over a card", #"{"id":1,"op":"card.lookup","card":"\#(card)"}"#),
            (
                "The till records a sale of 23.75",
                #"{"id":2,"op":"txn.earn","card":"\#(card)","till":"till-1","receipt":"\#(receipt)","lines":[{"sku":"8710398527011","amount":"12.80","qty":1},{"sku":"8711000123456","amount":"10.95","qty":1}]}"#
            ),
            (
                "The network hiccups and the till sends the same sale again",
                #"{"id":3,"op":"txn.earn","card":"\#(card)","till":"till-1","receipt":"\#(receipt)","lines":[{"sku":"8710398527011","amount":"12.80","qty":1},{"sku":"8711000123456","amount":"10.95","qty":1}]}"#
            ),
            ("A typo in the card number", #"{"id":4,"op":"card.lookup","card":"2990001000012"}"#),
            (
                "The customer brings back the hand soap",
                #"{"id":5,"op":"txn.return","till":"till-1","receipt":"\#(receipt)-RET","original":{"till":"till-1","receipt":"\#(receipt)"},"lines":[{"sku":"8711000123456","amount":"10.95"}]}"#
            ),
            ("The customer asks for the history", #"{"id":6,"op":"account.history","card":"\#(card)","limit":5}"#),
        ]
        for (what, request) in steps {
            print("# \(what)\n> \(request)\n< \(try client.request(request))\n")
        }
    }

    static let program = ProgramFile(
        merchant: .init(
            code: "demo-pharmacy", name: "Apotheek De Linde (demo)", currency: "EUR",
            timeZone: "Europe/Amsterdam", cardPrefix: "2990001"),
        program: Program(
            points: .init(per: "1.00"),
            rewards: [.init(sku: "REWARD-HANDCREAM", name: "Hand cream 50 ml", points: 100)]))
}
