import Foundation
import Testbed
import Testing

/// The back office's browser till in a real headless Chromium (Tests/Browser/browser_till.py):
/// a cashier pairs the page with the gateway's browser bridge, records a sale for a card typed
/// as printed, and the receipt prints through the gateway on a CUPS test queue, once, with the
/// balances the gateway fetched.
@Suite(
    "The browser till", .serialized,
    .enabled(
        if: EmulatedDevices.isAvailable && Chromium.isAvailable,
        "needs cups, chromium, chromium-driver and python3-selenium"))
struct BrowserTillTests {
    @Test func aCashierRecordsASaleAndTheReceiptPrintsThroughTheGateway() throws {
        let number = card("2440001", 61)
        let bridgePort = MetricsTests.freePort(), webPort = MetricsTests.freePort()
        let setup = try ReceiptGateway(
            access: #"{"callers": [], "default": {"merchant": "markt-lindenhof"}}"#,
            browser: """
                {"listen": "127.0.0.1:\(bridgePort)", "origins": ["http://127.0.0.1:\(webPort)"]}
                """
        ) { core in
            try core.setUp(programs: ["german-shop"], cards: [number])
            try core.start()
        }
        let code = try #require(
            try setup.gateway.till().request("bridge.pair", ["name": "Till 1 tablet"])["code"] as? String)
        let result = try ChildProcess.run(
            "/usr/bin/python3", [Loyalgate.repository.appendingPathComponent("Tests/Browser/browser_till.py").path],
            environment: [
                "LOYALGATE_BIN": Loyalgate.binary, "LOYALGATE_CORE_SOCKET": setup.core.socket,
                "LOYALGATE_BRIDGE": "ws://127.0.0.1:\(bridgePort)/bridge", "LOYALGATE_WEB_PORT": "\(webPort)",
                "LOYALGATE_PAIRING_CODE": code, "LOYALGATE_CARD": number, "LOYALGATE_MERCHANT": "markt-lindenhof",
                // LOYALGATE_SCREENSHOTS=docs/screenshots saves the page for the README.
                "LOYALGATE_SCREENSHOTS": ProcessInfo.processInfo.environment["LOYALGATE_SCREENSHOTS"] ?? "",
            ], within: .seconds(240))
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)\n\(setup.gateway.log)")
        #expect(result.stdout.contains("all browser till checks passed"), "\(result.stdout)")
        // One receipt at the printer, with the card (masked but for its last four digits).
        #expect(setup.printer.waitForJobs(1))
        usleep(300_000)
        #expect(setup.printer.jobs.count == 1)
        let printed = String(decoding: setup.printer.jobs.first ?? Data(), as: UTF8.self)
        #expect(printed.contains(String(number.suffix(4))), "\(printed)")
    }
}
