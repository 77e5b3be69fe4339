import ArgumentParser
import Foundation
import LoyaltyDomain
import LoyaltyStore
import SocketServer

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks; see docs/benchmarks.md for how they are run and compared.",
        subcommands: [CoreEarns.self, GatewayLatency.self, ReceiptBench.self])

    struct CoreEarns: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "core",
            abstract: "Durable earns per second and latency over the core's socket, on a large database.")

        @Option(help: "Working folder; the seeded database is kept and reused between runs.") var dir: String = ".build-bench/core"
        @Option(help: "Cards in the database.") var cards: Int = 1_000_000
        @Option(help: "Ledger entries per card before the run.") var entriesPerCard: Int = 5
        @Option(help: "Earns to send.") var earns: Int = 20_000
        @Option(help: "Concurrent till connections.") var clients: Int = 8

        func run() throws {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try seedIfNeeded()
            let socket = dir + "/core.sock"
            let core = try startCore(socket: socket)
            defer { core.terminate(); core.waitUntilExit() }
            try waitForSocket(socket)

            let perClient = earns / clients
            let latencies = LatencyRecorder()
            let runID = UInt64(Date().timeIntervalSince1970 * 1000)
            let clock = ContinuousClock()
            let started = clock.now
            DispatchQueue.concurrentPerform(iterations: clients) { worker in
                do {
                    let client = try UnixLineClient(path: socket)
                    var generator = SystemRandomNumberGenerator()
                    var mine: [Duration] = []
                    for index in 0..<perClient {
                        let card = try CardNumber(prefix: "2800", serial: Int64.random(in: 0..<Int64(cards), using: &generator))
                        let line = #"{"id":\#(index),"op":"txn.earn","card":"\#(card)","till":"bench-\#(worker)","receipt":"\#(runID)-\#(index)","lines":[{"sku":"4006381333931","amount":"12.50"},{"sku":"5000112637922","amount":"3.20","category":"food"}]}"#
                        let sent = clock.now
                        let answer = try client.request(line)
                        mine.append(clock.now - sent)
                        guard answer.contains(#""ok":true"#) else { throw ValidationError("earn failed: \(answer)") }
                    }
                    latencies.add(mine)
                } catch {
                    FileHandle.standardError.write(Data("client \(worker): \(error)\n".utf8))
                }
            }
            let elapsed = clock.now - started
            let sorted = latencies.all.sorted()
            guard sorted.count == perClient * clients else { throw ExitCode(1) }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("cards: \(cards), ledger entries before: \(cards * entriesPerCard), clients: \(clients), earns: \(sorted.count)")
            print(String(format: "durable earns/s: %.0f", Double(sorted.count) / seconds))
            print("latency p50: \(Self.micro(sorted[sorted.count / 2])) us, p99: \(Self.micro(sorted[sorted.count * 99 / 100])) us")
        }

        static func micro(_ duration: Duration) -> Int64 {
            duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        }

        func seedIfNeeded() throws {
            let marker = dir + "/seeded-\(cards)x\(entriesPerCard)"
            guard !FileManager.default.fileExists(atPath: marker) else { return }
            try? FileManager.default.removeItem(atPath: dir + "/loyalgate.sqlite")
            let database = try LedgerDatabase(directory: URL(fileURLWithPath: dir))
            _ = try database.importProgram(ProgramFile(
                merchant: .init(code: "bench", name: "Benchmark shop", currency: "EUR", timeZone: "Europe/Amsterdam", cardPrefix: "2800"),
                program: Program(points: .init(per: "1.00"))))
            print("seeding \(cards) cards with \(entriesPerCard) entries each...")
            try database.seedForBenchmark(merchant: "bench", cards: cards, entriesPerCard: entriesPerCard)
            try database.close()
            _ = FileManager.default.createFile(atPath: marker, contents: Data())
        }

        func startCore(socket: String) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            process.arguments = ["core", "--data", dir, "--socket", socket]
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }

        func waitForSocket(_ path: String) throws {
            for _ in 0..<500 {
                if (try? UnixLineClient(path: path)) != nil { return }
                usleep(20_000)
            }
            throw ValidationError("The core did not start.")
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
