import Foundation
import LoyalgateClient
import LoyalgateProtocol
import Testbed
import Testing

/// The Prometheus endpoints of the real core and gateway, scraped over real TCP as a collector
/// on the till PC would: the counters move with what the tills did.
@Suite struct MetricsTests {
    /// A port nobody listens on now (the kernel's choice for port 0).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// `GET path` on 127.0.0.1:port: the status line and the body (nil while nothing listens).
    static func get(_ path: String, port: Int) -> (status: String, body: String)? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return nil }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            response += buffer[..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let head = text[..<split.lowerBound]
        return (
            String(head[..<(head.range(of: "\r\n")?.lowerBound ?? head.endIndex)]), String(text[split.upperBound...])
        )
    }

    static func scrape(port: Int) throws -> String {
        for _ in 0..<100 {
            if let answer = get("/metrics", port: port) {
                #expect(answer.status == "HTTP/1.1 200 OK")
                return answer.body
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw CoreProcess.SetupError("nothing served metrics on port \(port)")
    }

    /// The value of the sample `name{labels}` (labels as Prometheus prints them), if present.
    static func sample(_ name: String, _ labels: String = "", in text: String) -> Double? {
        let key = labels.isEmpty ? name : "\(name){\(labels)}"
        return text.split(separator: "\n").first { $0.hasPrefix(key + " ") }
            .flatMap { Double($0.dropFirst(key.count + 1)) }
    }

    @Test func theCoresCountersMoveWithTheTillsRequests() throws {
        let core = CoreProcess()
        let number = card("2990001", 31)
        try core.setUp(programs: ["dutch-pharmacy"], cards: [number])
        let port = Self.freePort()
        try core.start(arguments: ["--metrics", "127.0.0.1:\(port)"])
        let till = try core.typedClient()
        let before = try Self.scrape(port: port)
        #expect(Self.sample("loyalgate_core_requests_total", #"op="txn.earn",outcome="ok""#, in: before) == nil)

        for receipt in ["M1", "M2"] {
            _ = try till.call(
                CoreOp.TxnEarn.self,
                .init(card: number, till: "t1", receipt: receipt, lines: [SaleLineInput(sku: "x", amount: "10.00")]))
        }
        #expect(throws: LoyaltyError.self) { try till.call(CoreOp.CardLookup.self, .init(card: card("2990001", 999))) }
        _ = try core.client().request("not json")

        let after = try Self.scrape(port: port)
        #expect(
            Self.sample("loyalgate_core_requests_total", #"op="txn.earn",outcome="ok""#, in: after) == 2, "\(after)")
        #expect(
            Self.sample("loyalgate_core_requests_total", #"op="card.lookup",outcome="unknown-card""#, in: after) == 1)
        #expect(Self.sample("loyalgate_core_requests_total", #"op="unknown",outcome="bad-request""#, in: after) == 1)
        #expect(Self.sample("loyalgate_core_request_duration_seconds_count", #"op="txn.earn""#, in: after) == 2)
        #expect((Self.sample("loyalgate_core_commits_total", in: after) ?? 0) >= 1)
        #expect((Self.sample("loyalgate_core_commit_group_size_count", in: after) ?? 0) >= 1)
        #expect(Self.get("/elsewhere", port: port)?.status == "HTTP/1.1 404 Not Found")
    }

    @Test func metricsAreServedOnLoopbackOnly() throws {
        let data = Loyalgate.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let refused = try Loyalgate.run([
            "core", "--data", data, "--socket", data + "/c.sock", "--metrics", "0.0.0.0:9471",
        ])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("not a loopback address"), "\(refused.stderr)")
    }

    @Test(.enabled(if: EmulatedDevices.isAvailable, "umockdev is not installed (scripts/install-deps)"))
    func theGatewaysCountersMoveWithScansDevicesAndTheCoreLink() throws {
        let (member, core, devices) = try ScannerShop.open(memberSerial: 41)
        let scanner = EmulatedScanner.keyboardWedge()
        try devices.plug(scanner)
        let port = Self.freePort()
        let gateway = try GatewayProcess(core: core, devices: devices, arguments: ["--metrics", "127.0.0.1:\(port)"])
        let till = try gateway.till()
        _ = try till.subscribe()
        try scan(.usScan("]E0" + member), on: scanner, in: devices)
        _ = try #require(till.nextScan(), "\(gateway.log)")
        try scan(.usScan("4006381333931"), on: scanner, in: devices)
        _ = try #require(till.nextScan(), "\(gateway.log)")

        let text = try Self.scrape(port: port)
        let device = #"device="\#(scanner.id)""#
        #expect(Self.sample("loyalgate_gateway_scans_total", device + #",kind="card""#, in: text) == 1, "\(text)")
        #expect(Self.sample("loyalgate_gateway_scans_total", device + #",kind="other""#, in: text) == 1)
        #expect(Self.sample("loyalgate_gateway_devices_present", in: text) == 1)
        #expect(Self.sample("loyalgate_gateway_core_connected", in: text) == 1)

        // The core goes away: the link gauge says so once the gateway notices.
        core.kill9()
        try scan(.usScan("]E0" + member), on: scanner, in: devices)
        _ = till.nextScan()
        #expect(Self.sample("loyalgate_gateway_core_connected", in: try Self.scrape(port: port)) == 0)
    }
}
