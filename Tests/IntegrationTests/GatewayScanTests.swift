import Foundation
import LoyalgateProtocol
import Testbed
import Testing

/// The real gateway and core binaries, with scanners emulated by umockdev (real libudev and
/// libevdev on emulated nodes). Every assertion is on what a till receives on its socket.
@Suite(.serialized, .enabled(if: EmulatedDevices.isAvailable, "umockdev is not installed (scripts/install-deps)"))
struct GatewayScanTests {
    let member: String
    let core: CoreProcess
    let devices: EmulatedDevices

    init() throws { (member, core, devices) = try ScannerShop.open(memberSerial: 21) }

    @Test func aUSKeyboardWedgeScanOfALoyaltyCardArrivesWithTheAccount() throws {
        let scanner = EmulatedScanner.keyboardWedge()
        try devices.plug(scanner)
        let gateway = try GatewayProcess(core: core, devices: devices)
        let till = try gateway.till()
        let subscribed = try till.subscribe()
        let listed = subscribed["devices"] as? [[String: Any]] ?? []
        #expect(listed.map { $0["id"] as? String } == [scanner.id], "\(gateway.log)")
        #expect(listed.first?["mode"] as? String == "keyboard")
        #expect(listed.first?["node"] as? String == "/dev/input/event20")
        #expect(listed.first?["grabbed"] as? Bool == true)

        try scan(.usScan("]E0" + member), on: scanner, in: devices)
        let event = try #require(till.nextScan(), "\(gateway.log)")
        #expect(event["kind"] as? String == "card")
        #expect(event["data"] as? String == member)
        #expect(event["symbology"] as? String == "EAN-13")
        #expect(event.deviceID == scanner.id)
        #expect(event["error"] is NSNull)
        #expect(event.account?["points"] as? Int == 0)
        #expect(((event["card"] as? [String: Any])?["card"] as? [String: Any])?["number"] as? String == member)
        #expect(event["seq"] as? Int == 1)

        // A product barcode right after: kind other, no lookup.
        try scan(.usScan("4006381333931"), on: scanner, in: devices)
        let product = try #require(till.nextScan())
        #expect(product["kind"] as? String == "other")
        #expect(product["card"] is NSNull)
        #expect(product["seq"] as? Int == 2)
        #expect(gateway.terminate() == 0)
    }

    @Test func aGermanLayoutScannerTypesCode128WithLettersDigitsAndAltGr() throws {
        let scanner = EmulatedScanner.keyboardWedge()
        try devices.plug(scanner)
        let gateway = try GatewayProcess(
            core: core, devices: devices,
            configuration: #"{"devices":[{"match":"0c2e:0b81","layout":"de"}]}"#)
        let till = try gateway.till()
        try till.subscribe()
        // What a scanner set to the German keyboard country sends for "]C0LGZ-0815-y@1":
        // ] is AltGr+9, Z and Y trade places, - is on the US slash key, @ is AltGr+Q.
        var keys = KeyScript()
        keys.tap(10, with: [KeyScript.rightAlt])  // ]
        keys.tap(46, with: [KeyScript.leftShift])  // C
        keys.tap(11)  // 0
        keys.tap(38, with: [KeyScript.leftShift])  // L
        keys.tap(34, with: [KeyScript.leftShift])  // G
        keys.tap(21, with: [KeyScript.leftShift])  // Z (the US Y key)
        keys.tap(53)  // -
        for digit: UInt16 in [11, 9, 2, 6] { keys.tap(digit) }  // 0815
        keys.tap(53)  // -
        keys.tap(44)  // y (the US Z key)
        keys.tap(16, with: [KeyScript.rightAlt])  // @
        keys.tap(2)  // 1
        keys.tap(KeyScript.enter)
        try scan(keys, on: scanner, in: devices)
        let event = try #require(till.nextScan(), "\(gateway.log)")
        #expect(event["data"] as? String == "LGZ-0815-y@1")
        #expect(event["symbology"] as? String == "CODE-128")
        #expect(event["kind"] as? String == "other")
    }

    @Test func aFrenchLayoutScannerNeedsShiftForDigitsAndSwapsAAndZ() throws {
        // The layout comes from udev here, as the installed hwdb/site file would set it.
        let scanner = EmulatedScanner.keyboardWedge(properties: [
            "LOYALGATE_SCANNER": "1", "LOYALGATE_SCANNER_MODE": "keyboard",
            "LOYALGATE_SCANNER_FAMILY": "honeywell", "LOYALGATE_SCANNER_LAYOUT": "fr",
        ])
        try devices.plug(scanner)
        let gateway = try GatewayProcess(core: core, devices: devices)
        let till = try gateway.till()
        try till.subscribe()
        // "AZERTY-2024" on AZERTY: letters by position, '-' is the 6 key, digits need Shift.
        var keys = KeyScript()
        for code: UInt16 in [16, 17, 18, 19, 20, 21] { keys.tap(code, with: [KeyScript.leftShift]) }
        keys.tap(7)
        for code: UInt16 in [3, 11, 3, 5] { keys.tap(code, with: [KeyScript.leftShift]) }
        keys.tap(KeyScript.enter)
        try scan(keys, on: scanner, in: devices)
        let event = try #require(till.nextScan(), "\(gateway.log)")
        #expect(event["data"] as? String == "AZERTY-2024")
        // And the card, typed with Shift on each digit as a French scanner does.
        var card = KeyScript()
        for digit in member { card.tap(KeyScript.digitRow[digit]!, with: [KeyScript.leftShift]) }
        card.tap(KeyScript.enter)
        try scan(card, on: scanner, in: devices)
        let cardScan = try #require(till.nextScan())
        #expect(cardScan["kind"] as? String == "card")
        #expect(cardScan["data"] as? String == member)
        #expect(cardScan.account != nil)
    }

    @Test func aHIDPOSScannerJoinsAContinuedReportAndNamesTheSymbology() throws {
        let scanner = EmulatedScanner.hidPOS()
        try devices.plug(scanner)
        let gateway = try GatewayProcess(core: core, devices: devices)
        let till = try gateway.till()
        let subscribed = try till.subscribe()
        #expect((subscribed["devices"] as? [[String: Any]])?.first?["mode"] as? String == "hid-pos", "\(gateway.log)")
        let url = "https://example.org/p?id=0123456789&lot=ABCDEFGHIJ&exp=2027-12-31&x=1&y=2&z=3"
        #expect(url.utf8.count > 56)  // two reports
        try devices.send(HIDPOSReports.reports(aim: "]Q1", data: url), to: scanner.node)
        let qr = try #require(till.nextScan(), "\(gateway.log)")
        #expect(qr["data"] as? String == url)
        #expect(qr["symbology"] as? String == "QR")
        #expect(qr["kind"] as? String == "other")
        try devices.send(HIDPOSReports.reports(aim: "]E0", data: member), to: scanner.node)
        let cardScan = try #require(till.nextScan())
        #expect(cardScan["kind"] as? String == "card")
        #expect(cardScan["symbology"] as? String == "EAN-13")
        #expect(cardScan.account != nil)
    }

    @Test func aSerialScannerSplitsLinesOnTheSuffix() throws {
        let scanner = EmulatedScanner.serialScanner()
        try devices.plug(scanner)
        let gateway = try GatewayProcess(core: core, devices: devices)
        let till = try gateway.till()
        let subscribed = try till.subscribe()
        #expect((subscribed["devices"] as? [[String: Any]])?.first?["id"] as? String == scanner.id, "\(gateway.log)")
        try devices.send(Array("]E0\(member)\r\n]C0ABC-".utf8), to: scanner.node)
        try devices.send(Array("123\r\n".utf8), to: scanner.node)
        let cardScan = try #require(till.nextScan(), "\(gateway.log)")
        #expect(cardScan["kind"] as? String == "card")
        #expect(cardScan.account != nil)
        let other = try #require(till.nextScan())
        #expect(other["data"] as? String == "ABC-123")
        #expect(other["symbology"] as? String == "CODE-128")
        // The journal gets one line per scan naming the scanner, never the card number.
        // (The line is written just after the event goes out: wait for it.)
        var accepted: [Substring] = []
        for _ in 0..<50 {
            accepted = gateway.log.split(separator: "\n").filter { $0.contains("scan accepted") }
            if accepted.count >= 2 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(accepted.count == 2, "\(gateway.log)")
        #expect(accepted.allSatisfy { $0.contains("device=\(scanner.id)") }, "\(accepted)")
        #expect(accepted.contains { $0.contains("kind=card") } && accepted.contains { $0.contains("kind=other") })
        #expect(!gateway.log.contains(member), "the card number stays out of the log")
    }

    @Test func aPersonTypingOnAScannerOrAnOrdinaryKeyboardProducesNothing() throws {
        let scanner = EmulatedScanner.keyboardWedge()
        let keyboard = EmulatedScanner.ordinaryKeyboard()
        try devices.plug(scanner)
        try devices.plug(keyboard)
        let gateway = try GatewayProcess(core: core, devices: devices)
        let till = try gateway.till()
        let subscribed = try till.subscribe()
        #expect((subscribed["devices"] as? [[String: Any]])?.count == 1, "only the scanner is read")

        // Slow keys on the scanner: someone typing, 120 ms apart (real time between writes).
        let typed = KeyScript.usScan("12345")
        for index in stride(from: 0, to: typed.events.count, by: 2) {
            var pair = KeyScript()
            pair.events = Array(typed.events[index..<min(index + 2, typed.events.count)])
            try devices.send(pair.records(start: KeyScript.now(), gap: .zero), to: scanner.node)
            usleep(120_000)
        }
        // A fast burst on the ordinary keyboard: it is not grabbed and never produces scans.
        try devices.send(
            KeyScript.usScan(member).records(start: KeyScript.now(), gap: .milliseconds(3)), to: keyboard.node)
        // Then a real scan: it must be the first scan the till gets.
        try scan(.usScan("96385074"), on: scanner, in: devices)
        let first = try #require(till.nextScan(), "\(gateway.log)")
        #expect(first["data"] as? String == "96385074")
        #expect(first["symbology"] as? String == "EAN-8")

        let status = try till.call(GatewayOp.GatewayStatus.self)
        let keyboardNode = status.nodes.first { $0.device.node == keyboard.node }
        #expect(keyboardNode?.scanner == false)
        #expect(keyboardNode?.device.grabbed == false)
        #expect(keyboardNode?.reason.contains("ordinary keyboard") == true)
    }

    @Test func aWrongCheckDigitIsACardScanWithTheCoresError() throws {
        let scanner = EmulatedScanner.keyboardWedge()
        try devices.plug(scanner)
        let gateway = try GatewayProcess(core: core, devices: devices)
        let till = try gateway.till()
        try till.subscribe()
        let wrong = String(member.dropLast()) + String((Int(String(member.last!))! + 1) % 10)
        try scan(.usScan(wrong), on: scanner, in: devices)
        let event = try #require(till.nextScan(), "\(gateway.log)")
        #expect(event["kind"] as? String == "card")
        #expect(event["card"] is NSNull)
        #expect(event.errorCode == "invalid-card-number")
    }
}
