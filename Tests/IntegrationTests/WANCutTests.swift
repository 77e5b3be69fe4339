import Foundation
import LoyalgateClient
import Testbed
import Testing

/// Two network namespaces joined by a veth pair: a "head office" running the central core on
/// its veth address with TLS, and a "shop" running the relay and the till (`loyalgate till send`
/// there). Needs root (`ip netns`); CI runs as root.
final class WANLink {
    static let ip: String =
        ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        } ?? "/usr/sbin/ip"

    /// Whether this process may make network namespaces (root with iproute2).
    static let permitted: Bool = {
        let probe = "lgprobe\(getpid())"
        guard (try? ChildProcess.run(ip, ["netns", "add", probe], within: .seconds(10)))?.status == 0 else {
            return false
        }
        _ = try? ChildProcess.run(ip, ["netns", "del", probe], within: .seconds(10))
        return true
    }()

    let office: String
    let shop: String
    let officeDevice: String
    let shopDevice: String
    let officeAddress = "10.77.0.1"

    init() throws {
        let suffix = String(UUID().uuidString.prefix(6)).lowercased()
        office = "lgho\(suffix)"
        shop = "lgshop\(suffix)"
        officeDevice = "lgh\(suffix)"
        shopDevice = "lgs\(suffix)"
        do {
            try Self.run(["netns", "add", office])
            try Self.run(["netns", "add", shop])
            try Self.run(["link", "add", officeDevice, "type", "veth", "peer", "name", shopDevice])
            try Self.run(["link", "set", officeDevice, "netns", office])
            try Self.run(["link", "set", shopDevice, "netns", shop])
            try Self.run(["-n", office, "addr", "add", officeAddress + "/24", "dev", officeDevice])
            try Self.run(["-n", shop, "addr", "add", "10.77.0.2/24", "dev", shopDevice])
            for (space, device) in [(office, officeDevice), (shop, shopDevice)] {
                try Self.run(["-n", space, "link", "set", "lo", "up"])
                try Self.run(["-n", space, "link", "set", device, "up"])
            }
        } catch {
            remove()
            throw error
        }
    }

    static func run(_ arguments: [String]) throws {
        let result = try ChildProcess.run(ip, arguments, within: .seconds(20))
        guard result.status == 0 else {
            throw CoreProcess.SetupError("ip \(arguments.joined(separator: " ")): \(result.stderr)")
        }
    }

    /// The WAN cut: the head office's end of the link goes down (packets are lost, as on a cut
    /// line: the shop's connections time out rather than being refused).
    func cut() throws { try Self.run(["-n", office, "link", "set", officeDevice, "down"]) }
    func restore() throws { try Self.run(["-n", office, "link", "set", officeDevice, "up"]) }

    func exec(_ space: String) -> [String] { [Self.ip, "netns", "exec", space] }

    /// Removes both namespaces (and with them the veth pair), whatever state they are in.
    func remove() {
        _ = try? ChildProcess.run(Self.ip, ["netns", "del", office], within: .seconds(20))
        _ = try? ChildProcess.run(Self.ip, ["netns", "del", shop], within: .seconds(20))
    }

    deinit { remove() }
}

@Suite(.serialized) struct WANCutTests {
    @Test(
        .enabled(
            if: WANLink.permitted,
            "skipped: `ip netns add` is not permitted here (needs root and iproute2); CI runs it as root"))
    func earnsMadeWhileTheLinkIsCutReachTheHeadOfficeLedgerOnce() throws {
        let link = try WANLink()
        let core = CoreProcess()
        let member = card("2990001", 31)
        try core.setUp(programs: ["dutch-pharmacy"], cards: [member])
        let ca = core.data + "/ca"
        try TLSChain.run(["ca", "init", "--dir", ca, "--name", "Coop"])
        try TLSChain.run(["ca", "issue", "--dir", ca, "--name", "core-1", "--server", "--host", link.officeAddress])
        try TLSChain.run([
            "ca", "issue", "--dir", ca, "--name", "shop-relay", "--role", "till", "--merchant", "apotheek-de-linde",
        ])
        // The head office's core, listening on its veth address only.
        let central = try ChildProcess(
            link.exec(link.office)[0],
            Array(link.exec(link.office).dropFirst()) + [
                Loyalgate.binary, "core", "--data", core.data, "--socket", core.socket, "--listen-tls",
                "\(link.officeAddress):7443", "--tls-dir", ca + "/issued/core-1", "--tls-revoked", ca + "/revoked.json",
            ])
        try central.start()
        defer { central.kill() }
        try central.waitForSocket(core.socket, within: .seconds(10))

        // The shop's relay, in the shop's namespace, dialling the head office over the link.
        let relay = RelayProcess(
            core: "tls://\(link.officeAddress):7443", identity: ca + "/issued/shop-relay", prefix: link.exec(link.shop))
        try relay.start()
        defer { relay.kill9() }

        var expected = 0
        for number in 1...3 {
            let answer = try relay.earn(card: member, receipt: "W\(number)")
            #expect(answer["ok"] as? Bool == true && answer["queued"] == nil, "\(answer) \(relay.log)")
            expected += answer["points"] as? Int ?? 0
        }
        #expect(expected == 30)

        try link.cut()
        for number in 4...9 {
            let answer = try relay.earn(card: member, receipt: "W\(number)")
            #expect(answer["queued"] as? Bool == true, "\(answer)")
            expected += 10
        }
        #expect(try relay.earn(card: member, receipt: "W6")["replayed"] as? Bool == true)
        #expect(try relay.status()["queued"] as? Int == 6)

        try link.restore()
        #expect(relay.waitForEmptyQueue(within: .seconds(60)), "\(relay.log)")
        let lookup = try relay.send(#"{"id":4,"op":"card.lookup","card":"\#(member)"}"#)
        #expect((lookup["account"] as? [String: Any])?["points"] as? Int == expected, "\(lookup)")

        #expect(central.stop() == 0)
        let verify = try Loyalgate.run(["core", "verify", "--data", core.data])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("9 till transactions"), "\(verify.stdout)")
    }
}
