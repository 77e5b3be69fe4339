import Foundation
import Testing

@testable import WebServer

@Suite struct TillScriptsTests {
    static let clients = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("clients/browser")

    /// The server's copies are what web tills are given as the example: never two versions.
    @Test func theServedScriptsAreTheFilesInClientsBrowser() throws {
        let till = try String(contentsOf: Self.clients.appendingPathComponent("till.js"), encoding: .utf8)
        let bridge = try String(contentsOf: Self.clients.appendingPathComponent("loyalgate-bridge.js"), encoding: .utf8)
        #expect(TillScripts.till + "\n" == till)
        #expect(TillScripts.bridge + "\n" == bridge)
    }

    @Test func amountsAreTypedAsOnTheReceipt() {
        #expect(WebApp.amount("12.80") == "12.80")
        #expect(WebApp.amount(" 12,8 ") == "12.8")
        #expect(WebApp.amount("7") == "7")
        for wrong in ["", "12.805", "-3.00", "1e3", "12.80 EUR", "١٢", "123456789"] {
            #expect(WebApp.amount(wrong) == nil, "\(wrong)")
        }
    }

    @Test func thePagesConnectSourceIsTheBridgesOriginOnly() {
        #expect(WebApp.webSocketOrigin("ws://127.0.0.1:9473/bridge") == "ws://127.0.0.1:9473")
        #expect(WebApp.webSocketOrigin("https://evil.example/") == nil)
    }
}
