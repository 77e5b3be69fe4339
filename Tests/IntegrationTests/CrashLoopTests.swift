import Foundation
import LoyalgateClient
import LoyalgateProtocol
import Testbed
import Testing

/// A shop's worst afternoon: four tills earn, redeem and return while the core is killed with
/// SIGKILL at random moments a hundred times (a power cut, the OOM killer) and started again.
/// Each till retries a request whose answer it did not get with the same (till, receipt), as the
/// contract tells tills to. Afterwards every answered request is in the ledger exactly once, a
/// retry of any of them gets the first answer again, and `verify` finds the ledger consistent.
///
/// The choices (what each till does, when the core dies) come from a seeded generator; the seed
/// is printed, and `LOYALGATE_CRASH_LOOP_SEED=N` repeats the same choices (the interleaving with
/// the kills still depends on timing).
@Suite struct CrashLoopTests {
    static let tills = 4
    static let kills = 100

    @Test func aHundredKillsDuringEarnsRedeemsAndReturnsLoseAndDoubleNothing() throws {
        let seed =
            ProcessInfo.processInfo.environment["LOYALGATE_CRASH_LOOP_SEED"].flatMap { UInt64($0) }
            ?? UInt64.random(in: 1...UInt64(Int64.max))
        print("crash loop seed: \(seed) (LOYALGATE_CRASH_LOOP_SEED=\(seed) repeats its choices)")
        var random = SeededRandom(seed: seed)

        let core = CoreProcess()
        let cards = (1...Self.tills).map { card("2990001", 700 + $0) }
        try core.setUp(programs: ["dutch-pharmacy"], cards: cards)
        try core.start()
        let started = ContinuousClock.now

        let stop = Flag()
        let tills = (0..<Self.tills).map { index in
            Till(
                name: "till-\(index + 1)", card: cards[index], socket: core.socket,
                random: SeededRandom(seed: seed &+ UInt64(index + 1)), stop: stop)
        }
        let threads = tills.map { till in Thread { till.run() } }
        threads.forEach { $0.start() }

        // Kill at a random moment of each run: often mid-request, sometimes right after start.
        for _ in 0..<Self.kills {
            usleep(UInt32(random.next(in: 5_000...150_000)))
            core.kill9()
            // A hundred starts on a busy CI machine: a slow one is not a failure, one that never
            // accepts (or exits) is.
            try core.start(within: .seconds(30))
        }
        let killing = ContinuousClock.now - started
        stop.set()
        for till in tills { till.finished.wait() }
        let answered = tills.flatMap(\.answered)
        let failures = tills.flatMap(\.failures)
        // A first answer that is already a replay: the core died after committing the request
        // and before answering it, and the retry found it; the kills do land mid-request.
        let committedUnanswered = answered.filter(\.answer.replayed).count
        print(
            "crash loop: \(Self.kills) kills in \(killing), \(answered.count) requests answered (\(committedUnanswered) committed before a kill and answered on retry), \(tills.map(\.retries).reduce(0, +)) sends retried"
        )
        #expect(failures.count == 0, "refused or never answered: \(failures.prefix(5))")
        try #require(answered.count >= 100, "the tills got too few answers to prove anything")

        // Every answered request, sent again, gets its first answer again.
        let client = try core.typedClient()
        var differing: [String] = []
        for request in answered {
            let again = try request.send(client)
            if !again.replayed || !again.same(as: request.answer) {
                differing.append("\(request.till) \(request.receipt): first \(request.answer), now \(again)")
            }
        }
        #expect(differing.count == 0, "answered, but a retry does not get the first answer: \(differing.prefix(3))")
        #expect(core.terminate() == 0)

        // The ledger holds each answered request once, and nothing else.
        let export = core.data + "/export"
        let exported = try Loyalgate.run(["export", "--data", core.data, "--out", export])
        try #require(exported.status == 0, "export failed: \(exported.stderr)")
        let ledger = try String(contentsOfFile: export + "/ledger.csv", encoding: .utf8)
        let rows = ledger.split(separator: "\n").dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        let entries = rows.map { row in "\(row[3]) \(row[4]) \(row[5])" }
        let expected = answered.map { "\($0.kind) \($0.till) \($0.receipt)" }
        #expect(Set(entries).count == entries.count, "a request is in the ledger twice")
        // Answers missing from the ledger (lost) and entries nobody was answered for (doubled).
        let difference = Set(entries).symmetricDifference(expected)
        #expect(difference.count == 0, "ledger and answers differ: \(difference.sorted().prefix(5))")

        let verify = try Loyalgate.run(["core", "verify", "--data", core.data])
        #expect(verify.status == 0, "verify: \(verify.stdout) \(verify.stderr)")
        #expect(verify.stdout.contains("ledger consistent"))
    }
}

/// One till: its own card and connection, a request at a time, each retried until answered.
private final class Till: @unchecked Sendable {
    let name: String
    let card: String
    let socket: String
    private var random: SeededRandom
    private let stop: Flag
    /// Signalled when the till has stopped; everything below is read only after that.
    let finished = DispatchSemaphore(value: 0)
    private(set) var answered: [Answered] = []
    private(set) var failures: [String] = []
    private(set) var retries = 0
    private var client: LoyalgateClient?
    private var receipts = 0
    /// The points on the card after the last answer: the till is the only one using it.
    private var points: Int64 = 0
    /// Lines of this till's earns not returned yet, with the earn's receipt.
    private var returnable: [(receipt: String, line: SaleLineInput)] = []

    init(name: String, card: String, socket: String, random: SeededRandom, stop: Flag) {
        self.name = name
        self.card = card
        self.socket = socket
        self.random = random
        self.stop = stop
    }

    func run() {
        defer { finished.signal() }
        // A deadline in case the core never comes back: the test then fails instead of hanging.
        let deadline = ContinuousClock.now + .seconds(120)
        while !stop.isSet, ContinuousClock.now < deadline {
            let request = next()
            guard let answer = answer(request, until: deadline) else { return }
            switch answer {
            case .success(let answer):
                answered.append(Answered(request: request, answer: answer))
                points = answer.account.points
                switch request.operation {
                case .earn(let earn): returnable += earn.lines.map { (request.receipt, $0) }
                case .redeem, .return: break
                }
            case .failure(let error):
                failures.append("\(request.till) \(request.receipt): \(error.code.rawValue) \(error.message)")
            }
        }
    }

    /// Mostly earns; a redeem of some of the points the card holds; a return of one line sold.
    private func next() -> TillRequest {
        receipts += 1
        let receipt = "\(name)-r\(receipts)"
        let roll = random.next(in: 0...9)
        if roll >= 6, roll <= 7, points > 0 {
            return TillRequest(
                till: name, receipt: receipt,
                operation: .redeem(.init(card: card, till: name, receipt: receipt, points: random.next(in: 1...points)))
            )
        }
        if roll >= 8, !returnable.isEmpty {
            let (original, line) = returnable.remove(at: Int(random.next(in: 0...Int64(returnable.count - 1))))
            return TillRequest(
                till: name, receipt: receipt,
                operation: .return(
                    .init(till: name, receipt: receipt, original: .init(till: name, receipt: original), lines: [line])))
        }
        let lines = (1...random.next(in: 1...3)).map { index in
            let cents = random.next(in: 100...4_000)
            let fraction = cents % 100 < 10 ? "0\(cents % 100)" : "\(cents % 100)"
            return SaleLineInput(sku: "sku-\(index)", amount: "\(cents / 100).\(fraction)")
        }
        return TillRequest(
            till: name, receipt: receipt,
            operation: .earn(.init(card: card, till: name, receipt: receipt, lines: lines)))
    }

    /// Sends `request` until an answer comes, reconnecting after every lost connection.
    private func answer(_ request: TillRequest, until deadline: ContinuousClock.Instant) -> Result<
        TxnAnswer, LoyaltyError
    >? {
        while ContinuousClock.now < deadline {
            do {
                let client = try self.client ?? LoyalgateClient(socket: socket, timeoutMilliseconds: 10_000)
                self.client = client
                return .success(try request.send(client))
            } catch let error as LoyaltyError {
                return .failure(error)
            } catch {
                // The core died under the request, or is not listening yet: the same request again.
                client = nil
                retries += 1
                usleep(2_000)
            }
        }
        failures.append("\(request.till) \(request.receipt): no answer within the deadline")
        return nil
    }
}

private struct TillRequest {
    enum Operation {
        case earn(CoreOp.TxnEarn.Parameters)
        case redeem(CoreOp.TxnRedeem.Parameters)
        case `return`(CoreOp.TxnReturn.Parameters)
    }

    let till: String
    let receipt: String
    let operation: Operation

    func send(_ client: LoyalgateClient) throws -> TxnAnswer {
        switch operation {
        case .earn(let parameters): try client.call(CoreOp.TxnEarn.self, parameters)
        case .redeem(let parameters): try client.call(CoreOp.TxnRedeem.self, parameters)
        case .return(let parameters): try client.call(CoreOp.TxnReturn.self, parameters)
        }
    }
}

/// A request and the first answer the till got for it.
private struct Answered {
    let request: TillRequest
    let answer: TxnAnswer

    var till: String { request.till }
    var receipt: String { request.receipt }
    /// The ledger entry's kind.
    var kind: String {
        switch request.operation {
        case .earn: "earn"
        case .redeem: "redeem"
        case .return: "return"
        }
    }

    func send(_ client: LoyalgateClient) throws -> TxnAnswer { try request.send(client) }
}

extension TxnAnswer {
    /// The same answer, whether or not either was a replay (the first answer a till saw may
    /// itself be one, when the core died after committing but before answering).
    fileprivate func same(as other: TxnAnswer) -> Bool {
        var mine = self
        var theirs = other
        mine.replayed = false
        theirs.replayed = false
        return mine == theirs
    }
}

private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// SplitMix64: a small generator whose sequence a seed fixes, so a failing run can be repeated.
private struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(in range: ClosedRange<Int64>) -> Int64 {
        range.lowerBound + Int64(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
}
