import Foundation
import Testbed
import Testing

/// The gateway's browser bridge with a real headless Chromium (Selenium from Debian's
/// python3-selenium driving chromium-driver): the example web till (clients/browser) paired with
/// a code, a card scanned on an emulated scanner reaching it and earning, a reconnect getting
/// the missed scans, and pages that are unpaired or from a foreign origin getting nothing.
@Suite(
    "The browser bridge in Chromium", .serialized,
    .enabled(
        if: EmulatedDevices.isAvailable && Chromium.isAvailable,
        "needs umockdev, chromium, chromium-driver and python3-selenium (scripts/install-deps)"))
struct BrowserBridgeTests {
    @Test("A paired page gets a card scan within a second and earns; unpaired and foreign pages get nothing")
    func pagesInChromium() throws {
        let (member, core, devices) = try ScannerShop.open(memberSerial: 51)
        let scanner = EmulatedScanner.keyboardWedge()
        try devices.plug(scanner)
        let bridgePort = MetricsTests.freePort(), pagePort = MetricsTests.freePort(),
            foreignPort = MetricsTests.freePort()
        let gateway = try GatewayProcess(
            core: core, devices: devices,
            configuration: """
                {"access": {"callers": [], "default": {"merchant": "apotheek-de-linde"}},
                 "browser": {"listen": "127.0.0.1:\(bridgePort)", "origins": ["http://127.0.0.1:\(pagePort)"],
                             "pairingsFile": "\(core.data)/browser-pairings.json"}}
                """)
        // A till of its own watches the scans: the page is told "scanned" only once the gateway
        // has read the scan, so the scans made while the page is away are all in the replay
        // window before it reconnects (on a loaded machine the gateway can otherwise read the
        // last one after the reconnect, and it arrives live instead of replayed).
        let watcher = try gateway.till()
        _ = try watcher.subscribe()
        let pairing = try gateway.till().request("bridge.pair", ["name": "Example web till"])
        let code = try #require(pairing["code"] as? String, "\(pairing)")
        #expect(pairing["merchant"] as? String == "apotheek-de-linde")

        let run = try PythonTests.run(
            ["test_bridge"], in: "clients/browser", interpreter: "/usr/bin/python3",
            environment: [
                "LOYALGATE_BRIDGE": "ws://127.0.0.1:\(bridgePort)/bridge", "LOYALGATE_PAGE_PORT": "\(pagePort)",
                "LOYALGATE_FOREIGN_PORT": "\(foreignPort)", "LOYALGATE_PAIRING_CODE": code, "LOYALGATE_CARD": member,
            ]
        ) { data in
            try scan(.usScan(data), on: scanner, in: devices)
            let read = watcher.nextScan(within: 10)
            guard read?["data"] as? String == data else {
                throw EmulationError("the gateway did not read the scan \(data): \(String(describing: read))")
            }
        }
        #expect(run.status == 0, "\(run.output)\n\(gateway.log)")
        #expect(run.ran == 4, "\(run.output)")

        // The pairing is listed, its token kept only as a hash in a private file; revoking it
        // ends the page's access.
        let listed = try gateway.till().request("bridge.pairings")
        let pairings = try #require(listed["pairings"] as? [[String: Any]], "\(listed)")
        #expect(pairings.map { $0["origin"] as? String } == ["http://127.0.0.1:\(pagePort)"])
        let file = core.data + "/browser-pairings.json"
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let id = try #require(pairings.first?["id"] as? String)
        #expect(try gateway.till().request("bridge.revoke", ["pairing": id])["ok"] as? Bool == true)
        #expect((try gateway.till().request("bridge.pairings")["pairings"] as? [Any])?.isEmpty == true)
    }

    @Test func theBridgeListensOnLoopbackOnly() throws {
        let core = CoreProcess()
        try core.setUp(programs: ["dutch-pharmacy"])
        let path = core.data + "/gateway.json"
        try #"{"browser": {"listen": "0.0.0.0:9473", "origins": ["https://till.example"]}}"#.write(
            toFile: path, atomically: true, encoding: .utf8)
        let refused = try Loyalgate.run([
            "gateway", "--core", core.socket, "--socket", core.data + "/g.sock", "--config", path,
        ])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("browser.listen must be on 127.0.0.1"), "\(refused.stderr)")
    }
}

/// Debian's headless browser and its WebDriver, with Selenium for Debian's own python3.
enum Chromium {
    static var isAvailable: Bool {
        ["/usr/bin/chromium", "/usr/bin/chromedriver"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
            && FileManager.default.fileExists(atPath: "/usr/lib/python3/dist-packages/selenium")
    }
}
