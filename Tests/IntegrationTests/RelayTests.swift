import Foundation
import LoyalgateClient
import LoyalgateProtocol
import Testbed
import Testing

/// A `loyalgate relay` process: the shop's stand-in for the central core.
final class RelayProcess {
    let folder: String
    let socket: String
    let queue: String
    let arguments: [String]
    let prefix: [String]
    private(set) var process: ChildProcess?
    private var logs: [String] = []

    /// `core` is the central core's tls:// address, `identity` the relay's certificate folder;
    /// `prefix` runs it through another program (`ip netns exec shop`).
    init(core: String, identity: String, prefix: [String] = []) {
        folder = Loyalgate.temporaryDirectory()
        socket = folder + "/core.sock"
        queue = folder + "/queue"
        self.prefix = prefix
        arguments = [
            "relay", "--socket", socket, "--core", core, "--tls-dir", identity, "--queue", queue,
            "--core-timeout", "1000", "--retry-interval", "200",
        ]
    }

    func start() throws {
        let process =
            prefix.isEmpty
            ? try ChildProcess(Loyalgate.binary, arguments)
            : try ChildProcess(prefix[0], Array(prefix.dropFirst()) + [Loyalgate.binary] + arguments)
        try process.start()
        self.process = process
        try process.waitForSocket(socket, within: .seconds(10))
    }

    /// SIGKILL, as a power cut would: the queue must survive it.
    func kill9() {
        if let process { logs.append(process.stderr) }
        process?.kill()
        process = nil
    }

    var log: String { (logs + [process?.stderr ?? ""]).joined() }

    /// One request line, its answer as JSON. With a `prefix` the till runs there too (`loyalgate
    /// till send` inside the shop's namespace), as a till on the shop's network would.
    func send(_ line: String) throws -> [String: Any] {
        guard !prefix.isEmpty else { return json(try UnixLineClient(path: socket).request(line)) }
        let till = try ChildProcess.run(
            prefix[0], Array(prefix.dropFirst()) + [Loyalgate.binary, "till", "send", "--socket", socket, line],
            within: .seconds(30))
        return json(till.stdout.split(separator: "\n").first.map(String.init) ?? till.stderr)
    }

    func earn(card: String, receipt: String, amount: String = "10.00") throws -> [String: Any] {
        try send(
            #"{"id":1,"op":"txn.earn","card":"\#(card)","till":"till-1","receipt":"\#(receipt)","lines":[{"sku":"x","amount":"\#(amount)"}]}"#
        )
    }

    func status() throws -> [String: Any] { try send(#"{"id":9,"op":"relay.status"}"#) }

    /// Waits (at most `limit`) until the relay's queue is empty.
    func waitForEmptyQueue(within limit: Duration = .seconds(30)) -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let status = try? status(), status["queued"] as? Int == 0 { return true }
            usleep(100_000)
        }
        return false
    }

    deinit {
        process?.kill()
        try? FileManager.default.removeItem(atPath: folder)
    }
}

@Suite(.serialized) struct RelayTests {
    /// The whole offline story on loopback: a central core over TLS, a relay in front of it, a
    /// till earning through the relay while the core is killed, comes back, and the relay itself
    /// is killed holding a queue.
    @Test func earnsMadeWhileTheCentralCoreIsDownReachItsLedgerExactlyOnce() throws {
        let chain = try TLSChain()
        let relay = RelayProcess(core: chain.address, identity: try chain.issue("shop-relay"))
        try relay.start()
        let card = chain.member

        // Online: the core's own answers, unchanged.
        var expected = 0
        for number in 1...3 {
            let answer = try relay.earn(card: card, receipt: "R\(number)")
            #expect(answer["ok"] as? Bool == true && answer["queued"] == nil, "\(answer)")
            expected += answer["points"] as? Int ?? 0
        }
        #expect(expected == 30)
        // Back-office ops are refused at the shop.
        let block = try relay.send(#"{"id":2,"op":"card.block","card":"\#(card)"}"#)
        #expect((block["error"] as? [String: Any])?["code"] as? String == "forbidden")

        // The central core dies mid-stream: earns keep being answered, queued.
        chain.core.kill9()
        for number in 4...8 {
            let answer = try relay.earn(card: card, receipt: "R\(number)")
            #expect(answer["ok"] as? Bool == true && answer["queued"] as? Bool == true, "\(answer)")
            #expect(answer["account"] == nil && answer["points"] == nil)
            expected += 10
        }
        // A till's retry of a queued receipt is the same answer, not a second earn.
        let retry = try relay.earn(card: card, receipt: "R5")
        #expect(retry["queued"] as? Bool == true && retry["replayed"] as? Bool == true, "\(retry)")
        // Another sale under a queued receipt is refused, as the core would.
        let reused = try relay.earn(card: card, receipt: "R5", amount: "99.00")
        #expect((reused["error"] as? [String: Any])?["code"] as? String == "receipt-reused", "\(reused)")
        // Redeems and lookups are refused offline with a sentence to read out.
        let redeem = try relay.send(
            #"{"id":3,"op":"txn.redeem","card":"\#(card)","till":"till-1","receipt":"X1","points":5}"#)
        let redeemError = redeem["error"] as? [String: Any]
        #expect(redeemError?["code"] as? String == "core-unavailable")
        #expect((redeemError?["message"] as? String)?.contains("cannot be redeemed") == true)
        var status = try relay.status()
        #expect(status["queued"] as? Int == 5 && status["coreReachable"] as? Bool == false, "\(status)")

        // The relay itself is killed holding the queue; restarted, it still holds it.
        relay.kill9()
        try relay.start()
        status = try relay.status()
        #expect(status["queued"] as? Int == 5, "\(status)")
        let afterRestart = try relay.earn(card: card, receipt: "R9")
        #expect(afterRestart["queued"] as? Bool == true, "\(afterRestart)")
        expected += 10

        // The central core comes back on its port: the queue is delivered, in order, once.
        try chain.core.start(arguments: [
            "--listen-tls", "127.0.0.1:\(chain.port)", "--tls-dir", chain.ca + "/issued/core-1", "--tls-revoked",
            chain.ca + "/revoked.json",
        ])
        #expect(relay.waitForEmptyQueue(), "queue not delivered: \(relay.log)")
        status = try relay.status()
        #expect(status["delivered"] as? Int == 6 && status["deadLetters"] as? Int == 0, "\(status)")
        let lookup = try relay.send(#"{"id":4,"op":"card.lookup","card":"\#(card)"}"#)
        #expect((lookup["account"] as? [String: Any])?["points"] as? Int == expected, "\(lookup)")
        // A retry after delivery is the core's own replay, with the balance: still one earn.
        let late = try relay.earn(card: card, receipt: "R5")
        #expect(late["replayed"] as? Bool == true && late["queued"] == nil, "\(late)")
        #expect(relay.log.contains("queue-depth"))

        #expect(chain.core.terminate() == 0)
        let verify = try Loyalgate.run(["core", "verify", "--data", chain.core.data])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains(" 9 till transactions"), "\(verify.stdout)")
    }

    @Test func anEarnTheCoreRefusesIsKeptAsADeadLetterNotRetriedForever() throws {
        let chain = try TLSChain()
        let relay = RelayProcess(core: chain.address, identity: try chain.issue("shop-relay"))
        try relay.start()
        chain.core.kill9()
        // A card of the shop's range that the core does not know: queued offline, refused later.
        let unknown = card("2990001", 77)
        #expect(try relay.earn(card: unknown, receipt: "D1")["queued"] as? Bool == true)
        #expect(try relay.earn(card: chain.member, receipt: "D2")["queued"] as? Bool == true)
        try chain.core.start(arguments: [
            "--listen-tls", "127.0.0.1:\(chain.port)", "--tls-dir", chain.ca + "/issued/core-1",
        ])
        #expect(relay.waitForEmptyQueue(), "\(relay.log)")
        let status = try relay.status()
        #expect(status["deadLetters"] as? Int == 1 && status["delivered"] as? Int == 1, "\(status)")
        #expect(relay.log.contains("dead letter"))
        // The till asking again gets the core's refusal, from the relay.
        let again = try relay.earn(card: unknown, receipt: "D1")
        #expect((again["error"] as? [String: Any])?["code"] as? String == "unknown-card", "\(again)")
    }
}
