import Foundation
import LoyalgateClient
import LoyalgateProtocol
import LoyaltyDomain
import Testbed

extension Demo {
    /// The scanner half of the demo, for someone with no hardware: the real gateway binary on
    /// scanners emulated by umockdev (a keyboard-wedge Honeywell, then a HID POS one), scanning
    /// demo cards and product codes, and what the till receives. False when umockdev is missing.
    static func playScanners(coreSocket: String, directory: String, cards: [CardNumber]) throws -> Bool {
        guard EmulatedDevices.isAvailable else {
            print("(umockdev is not installed, so the scanner part is skipped; scripts/install-deps installs it)\n")
            return false
        }
        let devices = try EmulatedDevices()
        let wedge = EmulatedScanner.keyboardWedge()
        let hidPOS = EmulatedScanner.hidPOS()
        try devices.plug(wedge)

        let socket = directory + "/gateway.sock"
        let log = directory + "/gateway.log"
        let gateway = try ChildProcess(
            try LoyalgateBinary.path(), ["gateway", "--core", coreSocket, "--socket", socket],
            environment: devices.environment, stdoutPath: directory + "/gateway.out", stderrPath: log)
        try gateway.start()
        defer { gateway.stop() }
        do {
            try gateway.waitForSocket(socket, within: .seconds(10))
        } catch {
            throw EmulationError("the demo gateway did not start (\(error)); see \(log)")
        }
        let till = try UnixLineClient(path: socket)

        print("gateway: \(socket) (log \(log)), scanners emulated with umockdev\n")
        print("# A till connects to the gateway and subscribes to every scanner")
        print("> {\"id\":1,\"op\":\"subscribe\"}\n< \(try till.request(#"{"id":1,"op":"subscribe"}"#))\n")

        func keys(_ script: KeyScript) throws {
            try devices.type(script, on: wedge.node, gap: .milliseconds(3))
        }
        let unissued = try CardNumber(prefix: "2990001", serial: 999)
        let smudged = String(cards[0].digits.dropLast()) + String((Int(String(cards[0].digits.last!))! + 3) % 10)
        let url = "https://apotheek.example/leaflet?product=8710398527011&lang=nl&section=dosage"
        let steps: [(String, Int, () throws -> Void)] = [
            (
                "A customer's loyalty card, scanned with the keyboard-wedge scanner (AIM prefix ]E0)", 1,
                { try keys(.usScan("]E0" + cards[0].digits)) }
            ),
            ("A product barcode: goes to the till as it is, no lookup", 1, { try keys(.usScan("]E08710398527011")) }),
            ("A card with a smudged digit: the core rejects the check digit", 1, { try keys(.usScan(smudged)) }),
            ("A number in the shop's card range that was never issued", 1, { try keys(.usScan(unissued.digits)) }),
            (
                "Someone types on the scanner's keys by hand: ignored, nothing reaches the till", 0,
                {
                    for character in "12345" {
                        var key = KeyScript()
                        key.typeUS(String(character))
                        try devices.send(key.records(start: KeyScript.now(), gap: .zero), to: wedge.node)
                        usleep(150_000)
                    }
                    var enter = KeyScript()
                    enter.tap(KeyScript.enter)
                    try devices.send(enter.records(start: KeyScript.now(), gap: .zero), to: wedge.node)
                }
            ),
            ("A HID POS scanner is plugged in", 1, { try devices.plug(hidPOS) }),
            (
                "It reads a QR code longer than one HID report (joined from two)", 1,
                {
                    try devices.send(HIDPOSReports.reports(aim: "]Q1", data: url), to: hidPOS.node)
                }
            ),
            ("The keyboard-wedge scanner is unplugged", 1, { try devices.unplug(wedge) }),
        ]
        for (title, expected, action) in steps {
            print("# \(title)")
            try action()
            var received = 0
            // Wait for the expected events; then a short quiet period shows nothing else came.
            while till.waitReadable(milliseconds: received < expected ? 5000 : 400), let line = try till.readLine() {
                print("< \(line)")  // the event line exactly as the till receives it
                received += 1
            }
            if received == 0 { print("  (nothing)") }
            print()
        }
        return true
    }
}
