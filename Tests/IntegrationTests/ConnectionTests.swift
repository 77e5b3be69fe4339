import Foundation
import LoyalgateClient
import LoyalgateProtocol
import Testbed
import Testing

/// How the servers treat a connection as a whole, over the real binaries: a client that sends
/// and then half-closes (as `socat`, shell scripts and cron jobs do) gets every answer; a second
/// server never takes a live socket over; one caller cannot hold every connection; an idle
/// connection is closed and the typed client carries on.
@Suite struct ConnectionTests {
    /// Reads lines until the server closes the connection (or 10 s pass).
    static func readAll(_ client: UnixLineClient) throws -> [String] {
        var lines: [String] = []
        while client.waitReadable(milliseconds: 10_000), let line = try client.readLine() { lines.append(line) }
        return lines
    }

    @Test func requestsSentBeforeAHalfCloseAreAllAnsweredInOrderAndTheEarnIsKept() throws {
        let core = CoreProcess()
        let number = card("2990001", 21)
        try core.setUp(programs: ["dutch-pharmacy"], cards: [number])
        try core.start()
        let till = try core.client()
        try till.send(
            Array(
                (#"{"id":1,"op":"txn.earn","card":"\#(number)","till":"t1","receipt":"HC-1","lines":[{"sku":"x","amount":"17.95"}]}"#
                    + "\n" + #"{"id":2,"op":"card.lookup","card":"\#(number)"}"# + "\n").utf8))
        till.finishSending()
        let answers = try Self.readAll(till).map(json)
        #expect(answers.map { $0["id"] as? Int } == [1, 2])
        #expect(answers.first?["points"] as? Int == 17)
        // The connection ended after the last answer, and the earn is in the ledger.
        #expect(try till.readLine() == nil)
        let lookup = try core.typedClient().call(CoreOp.CardLookup.self, .init(card: number))
        #expect(lookup.account.points == 17)
    }

    @Test func aThousandPipelinedRequestsThenAHalfCloseGetAThousandAnswers() throws {
        let core = CoreProcess()
        try core.setUp(programs: ["dutch-pharmacy"])
        try core.start()
        let till = try core.client()
        let burst = (1...1000).map { #"{"id":\#($0),"op":"core.status"}"# + "\n" }.joined()
        try till.send(Array(burst.utf8))
        till.finishSending()
        let ids = try Self.readAll(till).map { json($0)["id"] as? Int }
        #expect(ids == (1...1000).map { $0 })
    }

    /// docs/protocol.md, Framing: the last line before the half-close is taken as it is; a whole
    /// request is answered, a cut one is a `bad-request` with `"id": null`.
    @Test func aHalfCloseInTheMiddleOfALineGetsTheDocumentedAnswer() throws {
        let core = CoreProcess()
        try core.setUp(programs: ["dutch-pharmacy"])
        try core.start()
        let cut = try core.client()
        try cut.send(Array((#"{"id":1,"op":"core.status"}"# + "\n" + #"{"id":2,"op":"card.lo"#).utf8))
        cut.finishSending()
        let answers = try Self.readAll(cut)
        try #require(answers.count == 2, "\(answers)")
        #expect(json(answers[0])["ok"] as? Bool == true)
        #expect(errorCode(answers[1]) == "bad-request")
        #expect(json(answers[1])["id"] is NSNull)

        let whole = try core.client()
        try whole.send(Array(#"{"id":3,"op":"core.status"}"#.utf8))
        whole.finishSending()
        let last = try Self.readAll(whole)
        #expect(last.count == 1 && json(last[0])["id"] as? Int == 3 && json(last[0])["ok"] as? Bool == true)
    }

    /// The README's piped socat line, run as printed (from the folder the README assumes).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/socat"), "socat is not installed"))
    func theReadmesPipedSocatLinePrintsTheAnswer() throws {
        let shop = Loyalgate.temporaryDirectory()
        let core = CoreProcess(data: shop + "/.loyalgate")
        try FileManager.default.createDirectory(atPath: core.data, withIntermediateDirectories: true)
        try core.setUp(programs: ["dutch-pharmacy"])
        try core.start()
        let readme = try String(contentsOf: Loyalgate.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let piped = readme.split(separator: "\n").filter { $0.contains("| socat") }
        #expect(!piped.isEmpty, "the README shows no piped socat line")
        for line in piped {
            let shell = Process()
            shell.executableURL = URL(fileURLWithPath: "/bin/bash")
            shell.arguments = ["-c", String(line)]
            shell.currentDirectoryURL = URL(fileURLWithPath: shop)
            let output = Pipe()
            shell.standardOutput = output
            try shell.run()
            let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            shell.waitUntilExit()
            let answers = printed.split(separator: "\n").map { json(String($0)) }
            #expect(!answers.isEmpty && answers.allSatisfy { $0["ok"] as? Bool == true }, "\(line) printed: \(printed)")
        }
        try? FileManager.default.removeItem(atPath: shop)
    }

    @Test(.enabled(if: EmulatedDevices.isAvailable, "umockdev is not installed (scripts/install-deps)"))
    func theGatewayAnswersBeforeClosingAHalfClosedConnection() throws {
        let core = CoreProcess()
        try core.setUp(programs: ["dutch-pharmacy"])
        try core.start()
        let devices = try EmulatedDevices()
        let gateway = try GatewayProcess(core: core, devices: devices)
        let till = try UnixLineClient(path: gateway.socket)
        try till.send(Array((#"{"id":1,"op":"devices.list"}"# + "\n" + #"{"id":2,"op":"gateway.status"}"# + "\n").utf8))
        till.finishSending()
        let answers = try Self.readAll(till).map(json)
        #expect(answers.map { $0["id"] as? Int } == [1, 2], "\(gateway.log)")
        #expect(answers.allSatisfy { $0["ok"] as? Bool == true })
    }

    /// A core started by mistake on a socket a live core serves fails and leaves it alone: the
    /// first core stays reachable, also after the second has exited.
    @Test func aSecondCoreNeverTakesALiveSocketOver() throws {
        let core = CoreProcess()
        try core.setUp(programs: ["dutch-pharmacy"])
        try core.start()
        let other = Loyalgate.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: other) }
        let second = try Loyalgate.run(["core", "--data", other, "--socket", core.socket])
        #expect(second.status != 0)
        #expect(second.stderr.contains("Another process is serving on \(core.socket)"), "\(second.stderr)")
        #expect(try core.typedClient().call(CoreOp.CoreStatus.self).version.isEmpty == false)

        // A socket left behind by a core that died is stale, and a new core replaces it.
        core.kill9()
        #expect(FileManager.default.fileExists(atPath: core.socket))
        try core.start()
        #expect(try core.typedClient().call(CoreOp.CoreStatus.self).version.isEmpty == false)
    }

    @Test func oneCallerCannotHoldEveryConnection() throws {
        let core = CoreProcess()
        try core.setUp(programs: ["dutch-pharmacy"])
        try core.start(arguments: ["--connections-per-caller", "3"])
        // The start-up probe's connection may still be counted for a moment: retry until admitted.
        func admitted() throws -> UnixLineClient? {
            for _ in 0..<50 {
                let next = try core.client()
                if let line = try? next.request(#"{"id":1,"op":"core.status"}"#), json(line)["ok"] as? Bool == true {
                    return next
                }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return nil
        }
        var held = try (1...3).compactMap { _ in try admitted() }
        try #require(held.count == 3)
        let fourth = try core.client()
        let refusal = try fourth.readLine()
        #expect(refusal.map(errorCode) == "too-many-connections")
        #expect(refusal.map { json($0)["id"] is NSNull } == true)
        #expect(try fourth.readLine() == nil)
        // One held connection stays usable, and closing one makes room for another.
        #expect(json(try held[0].request(#"{"id":9,"op":"core.status"}"#))["ok"] as? Bool == true)
        held.removeLast()
        #expect(try admitted() != nil)
    }

    @Test func anIdleConnectionIsClosedAndTheTypedClientReconnectsByItself() throws {
        let core = CoreProcess()
        try core.setUp(programs: ["dutch-pharmacy"])
        try core.start(arguments: ["--idle-timeout", "1"])
        let idle = try core.client()
        let typed = try core.typedClient()
        #expect(try typed.call(CoreOp.CoreStatus.self).version.isEmpty == false)
        #expect(idle.waitReadable(milliseconds: 5_000))
        #expect(try idle.readLine() == nil)
        // The server closed the typed client's connection too; its next call opens a new one.
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try typed.call(CoreOp.CoreStatus.self).version.isEmpty == false)
    }

    @Test(.enabled(if: EmulatedDevices.isAvailable, "umockdev is not installed (scripts/install-deps)"))
    func aSubscribedTillIsNotClosedForBeingIdle() throws {
        let core = CoreProcess()
        try core.setUp(programs: ["dutch-pharmacy"])
        try core.start()
        let devices = try EmulatedDevices()
        let gateway = try GatewayProcess(core: core, devices: devices, arguments: ["--idle-timeout", "1"])
        let listener = try gateway.till()
        _ = try listener.subscribe()
        let idle = try UnixLineClient(path: gateway.socket)
        #expect(idle.waitReadable(milliseconds: 5_000))
        #expect(try idle.readLine() == nil)
        Thread.sleep(forTimeInterval: 1.5)
        let status = try gateway.till().call(GatewayOp.GatewayStatus.self)
        #expect(status.tills == 1, "\(gateway.log)")
    }
}
