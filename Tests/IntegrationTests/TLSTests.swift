import Foundation
import LoyalgateClient
import LoyalgateProtocol
import Testbed
import Testing

/// A chain's CA made with `loyalgate ca`, and a core listening with mutual TLS on loopback,
/// spoken to over real TCP by the typed client, the CLI and the gateway.
final class TLSChain {
    let core = CoreProcess()
    let ca: String
    let member = card("2990001", 31)
    private(set) var port = 0

    /// `beforeStart` may change the core's TLS folder (`ca/issued/core-1`) before the core reads it.
    init(beforeStart: (TLSChain) throws -> Void = { _ in }) throws {
        ca = core.data + "/ca"
        try core.setUp(programs: ["dutch-pharmacy"], cards: [member])
        try Self.run(["ca", "init", "--dir", ca, "--name", "Apotheek keten"])
        try Self.run(["ca", "issue", "--dir", ca, "--name", "core-1", "--server", "--host", "127.0.0.1"])
        try beforeStart(self)
        try core.start(arguments: [
            "--listen-tls", "127.0.0.1:0", "--tls-dir", ca + "/issued/core-1", "--tls-revoked", ca + "/revoked.json",
        ])
        port = try waitForPort()
    }

    static func run(_ arguments: [String]) throws {
        let result = try Loyalgate.run(arguments)
        guard result.status == 0 else {
            throw CoreProcess.SetupError("\(arguments.prefix(2)) exited \(result.status): \(result.stderr)")
        }
    }

    /// The core logs the port it bound (`tls=127.0.0.1:PORT`); port 0 lets tests run side by side.
    private func waitForPort() throws -> Int {
        for _ in 0..<500 {
            if let range = core.log.range(of: #"tls=127\.0\.0\.1:[0-9]+"#, options: .regularExpression),
                let port = Int(core.log[range].split(separator: ":").last ?? "")
            {
                return port
            }
            usleep(10_000)
        }
        throw CoreProcess.SetupError("the core did not listen with TLS: \(core.log)")
    }

    var address: String { "tls://127.0.0.1:\(port)" }

    /// Issues a caller's certificate with `loyalgate ca issue` and returns its folder.
    func issue(_ name: String, role: String = "till", extra: [String] = []) throws -> String {
        try Self.run(
            ["ca", "issue", "--dir", ca, "--name", name, "--role", role, "--merchant", "apotheek-de-linde"] + extra)
        return ca + "/issued/" + name
    }

    func client(_ folder: String) throws -> LoyalgateClient {
        try LoyalgateClient(
            endpoint: .tls(host: "127.0.0.1", port: port, identity: .init(folder: folder)), timeoutMilliseconds: 10_000)
    }

    /// Waits (at most 5 s) until the core's log says `text`: a refusal is logged as the
    /// connection is refused, which the client may notice first.
    func waitForLog(_ text: String) -> Bool {
        for _ in 0..<500 {
            if core.log.contains(text) { return true }
            usleep(10_000)
        }
        return false
    }
}

@Suite struct TLSTests {
    @Test func aTillWithItsCertificateEarnsAndLooksUpOverTLSButCannotCallBackOfficeOps() throws {
        let chain = try TLSChain()
        let till = try chain.client(try chain.issue("linde-till-1"))
        let earned = try till.call(
            CoreOp.TxnEarn.self,
            .init(card: chain.member, till: "t1", receipt: "0001", lines: [.init(sku: "x", amount: "17.95")]))
        #expect(earned.points == 17)
        let looked = try till.call(CoreOp.CardLookup.self, .init(card: chain.member))
        #expect(looked.account.points == 17)
        // The till's certificate says `till`: the back office's ops are refused as on the socket.
        #expect {
            try till.call(CoreOp.CardBlock.self, .init(card: chain.member, reason: "lost"))
        } throws: { ($0 as? LoyaltyError)?.code == .forbidden }
        // A till bound to its merchant cannot act for another.
        #expect {
            try till.call(CoreOp.CardLookup.self, .init(merchant: "another-shop", card: chain.member))
        } throws: { $0 is LoyaltyError }
        #expect(chain.core.terminate() == 0)
    }

    @Test func theCLIWorksAgainstTheRemoteCoreWithTheCallersCertificate() throws {
        let chain = try TLSChain()
        let office = try chain.issue("head-office", role: "back-office")
        let till = try chain.issue("linde-till-2")
        let lookup = try Loyalgate.run(["cards", "lookup", "--core", chain.address, "--tls-dir", till, chain.member])
        #expect(lookup.status == 0, "\(lookup.stderr)")
        #expect(json(lookup.stdout)["card"] != nil, "\(lookup.stdout)")
        let refused = try Loyalgate.run(["cards", "block", "--core", chain.address, "--tls-dir", till, chain.member])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("forbidden: A till may not do card.block"), "\(refused.stderr)")
        let blocked = try Loyalgate.run(["cards", "block", "--core", chain.address, "--tls-dir", office, chain.member])
        #expect(blocked.status == 0, "\(blocked.stderr)")
        #expect(
            (json(blocked.stdout)["card"] as? [String: Any])?["status"] as? String == "blocked", "\(blocked.stdout)")
        // The till simulator sends raw lines over the same transport.
        let sent = try Loyalgate.run([
            "till", "send", "--core", chain.address, "--tls-dir", till,
            #"{"id":7,"op":"card.lookup","card":"\#(chain.member)"}"#,
        ])
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(json(sent.stdout)["id"] as? Int == 7 && json(sent.stdout)["ok"] as? Bool == true, "\(sent.stdout)")
        let noCertificate = try Loyalgate.run(["cards", "lookup", "--core", chain.address, chain.member])
        #expect(noCertificate.status != 0)
        #expect(noCertificate.stderr.contains("--tls-dir"), "\(noCertificate.stderr)")
    }

    @Test func aCertificateFromAnotherCAIsRefusedWithALogLine() throws {
        let chain = try TLSChain()
        let stranger = chain.core.data + "/other-ca"
        try TLSChain.run(["ca", "init", "--dir", stranger, "--name", "Someone else"])
        try TLSChain.run([
            "ca", "issue", "--dir", stranger, "--name", "linde-till-1", "--merchant", "apotheek-de-linde",
        ])
        // The stranger trusts our core's CA, so only the core's check stands in the way.
        try FileManager.default.removeItem(atPath: stranger + "/issued/linde-till-1/ca.pem")
        try FileManager.default.copyItem(atPath: chain.ca + "/ca.pem", toPath: stranger + "/issued/linde-till-1/ca.pem")
        #expect(throws: (any Error).self) {
            try chain.client(stranger + "/issued/linde-till-1").call(CoreOp.CardLookup.self, .init(card: chain.member))
        }
        #expect(chain.waitForLog("was not issued by this chain's CA"), "\(chain.core.log)")
    }

    @Test func anExpiredCertificateIsRefusedWithALogLine() throws {
        let chain = try TLSChain()
        let expired = try chain.issue("linde-till-old", extra: ["--not-after", "2025-01-31T00:00:00Z"])
        #expect(throws: (any Error).self) {
            try chain.client(expired).call(CoreOp.CardLookup.self, .init(card: chain.member))
        }
        #expect(chain.waitForLog("expired on 2025-01-31T00:00:00Z"), "\(chain.core.log)")
        // The CLI with that certificate says the core refused it, and where to look.
        let cli = try Loyalgate.run(["cards", "lookup", "--core", chain.address, "--tls-dir", expired, chain.member])
        #expect(cli.status != 0)
        #expect(cli.stderr.contains("the core refused this caller's certificate"), "\(cli.stderr)")
    }

    @Test func aRevokedCertificateIsRefusedFromItsNextConnection() throws {
        let chain = try TLSChain()
        let folder = try chain.issue("linde-till-stolen")
        #expect(
            try chain.client(folder).call(CoreOp.CardLookup.self, .init(card: chain.member)).card.number == chain.member
        )
        try TLSChain.run(["ca", "revoke", "--dir", chain.ca, "linde-till-stolen"])
        // The core re-reads revoked.json when it changes: no restart.
        #expect(throws: (any Error).self) {
            try chain.client(folder).call(CoreOp.CardLookup.self, .init(card: chain.member))
        }
        #expect(chain.waitForLog("was revoked on"), "\(chain.core.log)")
        let listed = try Loyalgate.run(["ca", "list", "--dir", chain.ca])
        #expect(listed.stdout.contains("linde-till-stolen  till  apotheek-de-linde"), "\(listed.stdout)")
        #expect(listed.stdout.contains("revoked"))
        // Another till's certificate still works.
        let other = try chain.client(try chain.issue("linde-till-3"))
        #expect(try other.call(CoreOp.CardLookup.self, .init(card: chain.member)).card.number == chain.member)
    }

    @Test func aConnectionThatNeverStartsItsHandshakeIsClosedAfterTenSeconds() throws {
        let chain = try TLSChain()
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(chain.port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        #expect(connected == 0)
        let started = ContinuousClock.now
        var byte: UInt8 = 0
        var waited = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        #expect(poll(&waited, 1, 20_000) == 1)
        #expect(recv(fd, &byte, 1, 0) <= 0)
        #expect(ContinuousClock.now - started >= .seconds(9))
        #expect(chain.waitForLog("no TLS handshake within 10 s"), "\(chain.core.log)")
    }

    @Test func duringACAChangeTheCoreAcceptsCallersOfEitherCA() throws {
        // Both CA certificates in one ca.pem, on the core and on the caller moving to the new CA.
        var newCA = ""
        var both = ""
        let chain = try TLSChain { chain in
            newCA = chain.core.data + "/new-ca"
            try TLSChain.run(["ca", "init", "--dir", newCA, "--name", "Apotheek keten 2"])
            both =
                try String(contentsOfFile: chain.ca + "/ca.pem", encoding: .utf8)
                + String(contentsOfFile: newCA + "/ca.pem", encoding: .utf8)
            try both.write(toFile: chain.ca + "/issued/core-1/ca.pem", atomically: true, encoding: .utf8)
        }
        try TLSChain.run(["ca", "issue", "--dir", newCA, "--name", "linde-till-9", "--merchant", "apotheek-de-linde"])
        let moved = newCA + "/issued/linde-till-9"
        try both.write(toFile: moved + "/ca.pem", atomically: true, encoding: .utf8)
        #expect(
            try chain.client(moved).call(CoreOp.CardLookup.self, .init(card: chain.member)).card.number == chain.member)
        // A caller still on the old CA is accepted too.
        let old = try chain.client(try chain.issue("linde-till-10"))
        #expect(try old.call(CoreOp.CardLookup.self, .init(card: chain.member)).card.number == chain.member)
    }

    @Test func aClientGivesUpOnAServerThatAcceptsButNeverShakesHands() throws {
        let chain = try TLSChain()
        let folder = try chain.issue("linde-till-11")
        // A listening socket nobody accepts on: the kernel completes TCP, nothing speaks TLS.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 4) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        #expect(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let started = ContinuousClock.now
        #expect {
            try TLSLineClient(
                host: "127.0.0.1", port: port, identity: .init(folder: folder), timeout: .milliseconds(500))
        } throws: { "\($0)".contains("no TLS handshake within") }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func theCAKeepsItsKeysToItsOwner() throws {
        let chain = try TLSChain()
        let folder = try chain.issue("linde-till-4")
        func mode(_ path: String) -> mode_t {
            var info = stat()
            stat(path, &info)
            return info.st_mode & 0o777
        }
        #expect(mode(chain.ca) == 0o700)
        #expect(mode(chain.ca + "/ca.key") == 0o600)
        #expect(mode(folder) == 0o700)
        #expect(mode(folder + "/key.pem") == 0o600)
        let again = try Loyalgate.run(["ca", "init", "--dir", chain.ca, "--name", "x"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("already holds a CA"))
    }
}

/// The gateway at a till reaches a core on another machine over TLS exactly as it reaches a
/// local one: a scanned card arrives at the till with the account the remote core answered.
@Suite(.serialized, .enabled(if: EmulatedDevices.isAvailable, "umockdev is not installed (scripts/install-deps)"))
struct GatewayOverTLSTests {
    @Test func aScannedCardIsLookedUpByTheRemoteCore() throws {
        let chain = try TLSChain()
        let devices = try EmulatedDevices()
        let scanner = EmulatedScanner.keyboardWedge()
        try devices.plug(scanner)
        let folder = try chain.issue("linde-gateway-1")
        // The gateway never touches the core's socket: its --core is the TLS address.
        let gateway = try GatewayProcess(
            core: chain.core, devices: devices, arguments: ["--core", chain.address, "--tls-dir", folder])
        let till = try gateway.till()
        _ = try till.subscribe()
        try scan(.usScan("]E0" + chain.member), on: scanner, in: devices)
        let event = try #require(till.nextScan(), "\(gateway.log)")
        #expect(event["kind"] as? String == "card")
        #expect(event["error"] is NSNull, "\(gateway.log)")
        #expect(event.account?["points"] as? Int == 0)
        #expect(gateway.log.contains("core=\(chain.address)"), "\(gateway.log)")
        #expect(gateway.terminate() == 0)
    }
}
