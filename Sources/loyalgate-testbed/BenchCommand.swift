import ArgumentParser
import Foundation
import LoyalgateClient
import LoyalgateProtocol
import LoyaltyDomain
import LoyaltyStore
import Testbed

struct Bench: ParsableCommand {
    /// The benchmarks' merchant: one point per euro, cards numbered from prefix 2800.
    static let shop = ProgramFile(
        merchant: .init(
            code: "bench", name: "Benchmark shop", currency: "EUR", timeZone: "Europe/Amsterdam", cardPrefix: "2800"),
        program: Program(points: .init(per: "1.00")))

    static let configuration = CommandConfiguration(
        abstract: "Benchmarks; see docs/benchmarks.md for how they are run and compared.",
        subcommands: [CoreEarns.self, Customers.self, GatewayLatency.self, ReceiptBench.self, CardsRender.self])

    struct CoreEarns: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "core",
            abstract: "Durable earns per second and latency over the core's socket, on a large database.")

        @Option(help: "Working folder; the seeded database is kept and reused between runs.") var dir: String =
            ".build-bench/core"
        @Option(help: "Cards in the database.") var cards: Int = 1_000_000
        @Option(help: "Ledger entries per card before the run.") var entriesPerCard: Int = 5
        @Option(help: "Earns to send.") var earns: Int = 20_000
        @Option(help: "Concurrent till connections.") var clients: Int = 8
        @Option(
            help:
                "A PostgreSQL database the caller has seeded (scripts/bench-postgres): the core runs on it instead of the SQLite file."
        )
        var database: String?

        func run() throws {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            if database == nil { try seedIfNeeded() }
            let socket = dir + "/core.sock"
            let core = try Self.startCore(
                binaryArguments: ["core", "--data", dir, "--socket", socket]
                    + (database.map { ["--database", $0] } ?? []))
            defer { core.stop() }
            try core.waitForSocket(socket, within: .seconds(30))

            let perClient = earns / clients
            let latencies = LatencyRecorder()
            let runID = UInt64(Date().timeIntervalSince1970 * 1000)
            let clock = ContinuousClock()
            let usageBefore = ProcessUsage(pid: core.processIdentifier)
            let started = clock.now
            // One thread per till. Not `DispatchQueue.concurrentPerform`: it runs only as many
            // iterations at once as the machine has cores, so "8 tills" on two cores were two
            // tills taking turns, and no commit was ever shared by more than two earns.
            let finished = DispatchGroup()
            for worker in 0..<clients {
                finished.enter()
                let thread = Thread {
                    defer { finished.leave() }
                    Self.till(
                        worker: worker, earns: perClient, cards: cards, socket: socket, runID: runID,
                        latencies: latencies)
                }
                thread.stackSize = 1 << 20
                thread.start()
            }
            finished.wait()
            let elapsed = clock.now - started
            let usageAfter = ProcessUsage(pid: core.processIdentifier)
            let sorted = latencies.all.sorted()
            guard sorted.count == perClient * clients else { throw ExitCode(1) }
            let seconds = elapsed.inSeconds
            print(
                "cards: \(cards), ledger entries before: \(cards * entriesPerCard), clients: \(clients), earns: \(sorted.count)"
            )
            print(String(format: "durable earns/s: %.0f", Double(sorted.count) / seconds))
            print(
                "latency p50: \(sorted[sorted.count / 2].inMicroseconds) us, p99: \(sorted[sorted.count * 99 / 100].inMicroseconds) us"
            )
            if let usageBefore, let usageAfter {
                // The core's own CPU time for the timed earns (the tills' is not in it).
                print(
                    String(
                        format: "core CPU per earn: %.0f us, core ",
                        (usageAfter.cpuSeconds - usageBefore.cpuSeconds) * 1e6 / Double(sorted.count))
                        + usageAfter.memoryLine)
            }
        }

        /// One till: earns for random cards with fresh receipts, one request in flight.
        static func till(worker: Int, earns: Int, cards: Int, socket: String, runID: UInt64, latencies: LatencyRecorder)
        {
            do {
                // The typed client, as a Swift till integration would use it: its encoding and
                // decoding are part of each measured earn.
                let client = try LoyalgateClient(socket: socket)
                let clock = ContinuousClock()
                var generator = SystemRandomNumberGenerator()
                var mine: [Duration] = []
                mine.reserveCapacity(earns)
                let lines = [
                    SaleLineInput(sku: "4006381333931", amount: "12.50"),
                    SaleLineInput(sku: "5000112637922", amount: "3.20", category: "food"),
                ]
                for index in 0..<earns {
                    let card = try CardNumber(
                        prefix: "2800", serial: Int64.random(in: 0..<Int64(cards), using: &generator))
                    let earn = CoreOp.TxnEarn.Parameters(
                        card: card.digits, till: "bench-\(worker)", receipt: "\(runID)-\(index)", lines: lines)
                    let sent = clock.now
                    let answer = try client.call(CoreOp.TxnEarn.self, earn)
                    mine.append(clock.now - sent)
                    guard !answer.replayed, answer.points > 0 else {
                        throw ValidationError("earn failed: \(answer)")
                    }
                }
                latencies.add(mine)
            } catch {
                FileHandle.standardError.write(Data("client \(worker): \(error)\n".utf8))
            }
        }

        func seedIfNeeded() throws {
            let marker = dir + "/seeded-\(cards)x\(entriesPerCard)"
            guard !FileManager.default.fileExists(atPath: marker) else { return }
            try? FileManager.default.removeItem(atPath: dir + "/loyalgate.sqlite")
            let database = try LedgerDatabase(directory: URL(fileURLWithPath: dir))
            _ = try database.importProgram(Bench.shop)
            print("seeding \(cards) cards with \(entriesPerCard) entries each...")
            try database.seedForBenchmark(merchant: "bench", cards: cards, entriesPerCard: entriesPerCard)
            try database.close()
            _ = FileManager.default.createFile(atPath: marker, contents: Data())
        }

        static func startCore(binaryArguments: [String]) throws -> ChildProcess {
            let process = try ChildProcess(try LoyalgateBinary.path(), binaryArguments)
            try process.start()
            return process
        }
    }
}

extension Bench {
    struct Customers: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Bulk import of customers with cards from CSV, then look-ups by card, phone and email over the socket.")

        @Option(help: "Working folder; recreated each run.") var dir: String = ".build-bench/customers"
        @Option(help: "Customers (each with a card) to import.") var count: Int = 1_000_000
        @Option(help: "Look-ups of each kind.") var lookups: Int = 5_000

        func run() throws {
            try? FileManager.default.removeItem(atPath: dir)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let csvPath = dir + "/customers.csv"
            try Self.writeCSV(path: csvPath, count: count)
            let database = try LedgerDatabase(directory: URL(fileURLWithPath: dir))
            _ = try database.importProgram(Bench.shop)
            let clock = ContinuousClock()
            let started = clock.now
            let imported = try database.importCustomers(merchant: nil, csv: URL(fileURLWithPath: csvPath)).imported
            let importSeconds = (clock.now - started).inSeconds
            try database.close()
            print(
                "imported \(imported) customers with cards in \(String(format: "%.1f", importSeconds)) s: \(Int(Double(imported) / importSeconds)) rows/s"
            )

            let socket = dir + "/core.sock"
            let core = try CoreEarns.startCore(binaryArguments: ["core", "--data", dir, "--socket", socket])
            defer { core.stop() }
            try core.waitForSocket(socket, within: .seconds(30))
            let client = try LoyalgateClient(socket: socket)
            var generator = SystemRandomNumberGenerator()
            // Each look-up returns whether it found what it looked for.
            for (label, lookUp) in [
                (
                    "card.lookup",
                    { (i: Int) throws -> Bool in
                        try client.call(
                            CoreOp.CardLookup.self, .init(card: try CardNumber(prefix: "2800", serial: Int64(i)).digits)
                        ).account.id != nil
                    }
                ),
                (
                    "customer.find by phone",
                    { (i: Int) throws -> Bool in
                        try !client.call(CoreOp.CustomerFind.self, .init(phone: Self.phone(i))).customers.isEmpty
                    }
                ),
                (
                    "customer.find by email",
                    { (i: Int) throws -> Bool in
                        try !client.call(CoreOp.CustomerFind.self, .init(email: Self.email(i))).customers.isEmpty
                    }
                ),
            ] as [(String, (Int) throws -> Bool)] {
                var latencies: [Duration] = []
                for _ in 0..<lookups {
                    let index = Int.random(in: 0..<count, using: &generator)
                    let sent = clock.now
                    let found = try lookUp(index)
                    latencies.append(clock.now - sent)
                    guard found else { throw ValidationError("\(label) found nothing for customer \(index)") }
                }
                latencies.sort()
                print(
                    "\(label): p50 \(latencies[latencies.count / 2].inMicroseconds) us, p99 \(latencies[latencies.count * 99 / 100].inMicroseconds) us (\(lookups) look-ups, \(count) customers)"
                )
            }
        }

        static func phone(_ i: Int) -> String { "+3247\(String(format: "%07d", i))" }
        static func email(_ i: Int) -> String { "customer\(i)@example.be" }

        static func writeCSV(path: String, count: Int) throws {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw ValidationError("Cannot write \(path).")
            }
            defer { try? handle.close() }
            var chunk = "card,name,address,postcode,email,phone,birth_date,consent_mail\n"
            for i in 0..<count {
                let card = try CardNumber(prefix: "2800", serial: Int64(i))
                chunk +=
                    "\(card),Customer \(i) Testname,\"Rue de la Loi \(i % 200), apt 3\",\(1000 + i % 9000),\(email(i)),\(phone(i)),19\(50 + i % 50)-0\(1 + i % 9)-1\(i % 10),\(i % 2)\n"
                if chunk.utf8.count > 1 << 20 {
                    handle.write(Data(chunk.utf8))
                    chunk = ""
                }
            }
            handle.write(Data(chunk.utf8))
        }

    }
}

/// Latencies gathered from several worker threads.
final class LatencyRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Duration] = []

    func add(_ batch: [Duration]) { lock.withLock { values += batch } }
    var all: [Duration] { lock.withLock { values } }
}
