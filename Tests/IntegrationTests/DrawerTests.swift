import Foundation
import Testbed
import Testing

/// `drawer.open` (a "no sale"): the pulse reaches the printer the drawer hangs on, once per key.
@Suite("The cash drawer through the gateway and CUPS", .serialized, .enabled(if: EmulatedDevices.isAvailable))
struct DrawerTests {
    @Test func theDrawerOpensOncePerKeyAndAnUnknownPrinterIsNamed() throws {
        let setup = try ReceiptGateway()
        let till = try setup.gateway.till()
        try till.subscribe()
        let first = try till.request("drawer.open", ["printer": "till-1", "key": "till-1/no-sale-7"])
        let job = try #require(first["job"] as? String, "\(first)")
        #expect(first["replayed"] as? Bool == false)
        #expect(till.jobEvents(job).last?["state"] as? String == "completed", "\(setup.gateway.log)")
        // The till did not hear the answer and asks again: nothing is pulsed twice.
        let again = try till.request("drawer.open", ["printer": "till-1", "key": "till-1/no-sale-7"])
        #expect(again["replayed"] as? Bool == true)
        #expect(again["job"] as? String == job)
        #expect(setup.printer.waitForJobs(1))
        usleep(500_000)
        #expect(setup.printer.jobs.count == 1)
        // ESC @ then ESC p on pin 2 (m = 0), 100 ms on and 500 ms off in 2 ms units.
        #expect(setup.printer.jobs.first == Data([0x1B, 0x40, 0x1B, 0x70, 0x00, 50, 250]))

        let unknown = try till.request("drawer.open", ["printer": "back-room", "key": "k"])
        #expect(unknown.errorCode == "unknown-printer")
    }

    /// A till with no terminal: the browser-pairing code comes out of the receipt printer.
    @Test func aPairingCodeIsPrintedOnTheReceiptPrinter() throws {
        let setup = try ReceiptGateway()
        let answer = try setup.gateway.till().request("bridge.pair", ["name": "Tablet", "printer": "till-1"])
        let code = try #require(answer["code"] as? String, "\(answer)")
        #expect(setup.printer.waitForJobs(1), "\(setup.gateway.log)")
        let printed = String(decoding: setup.printer.jobs.first ?? Data(), as: UTF8.self)
        #expect(printed.contains("Pairing code: \(code.prefix(4)) \(code.suffix(4))"), "\(printed)")
        let refused = try setup.gateway.till().request("bridge.pair", ["printer": "back-room"])
        #expect(refused.errorCode == "unknown-printer")
    }
}
