import Foundation
import LoyalgateProtocol
import Testbed
import Testing

/// Hotplug, the core going away, tills reconnecting and garbage from a device: what a till
/// sees on its socket when things go wrong.
@Suite(.serialized, .enabled(if: EmulatedDevices.isAvailable, "umockdev is not installed (scripts/install-deps)"))
struct GatewayResilienceTests {
    let member: String
    let core: CoreProcess
    let devices: EmulatedDevices

    init() throws { (member, core, devices) = try ScannerShop.open(memberSerial: 31) }

    @Test func hotplugAddsAndRemovesAndAScanCutOffByTheUnplugIsNeverDelivered() throws {
        let gateway = try GatewayProcess(core: core, devices: devices)
        let till = try gateway.till()
        #expect((try till.subscribe()["devices"] as? [Any])?.isEmpty == true)

        let scanner = EmulatedScanner.keyboardWedge(serial: nil, port: 5)
        try devices.plug(scanner)
        let added = try #require(till.next("device.added"), "\(gateway.log)")
        #expect(added.deviceID == scanner.id)
        #expect(scanner.id == "0c2e:0b81@1-5")  // no serial: the USB port is the id
        try scan(.usScan("4006381333931"), on: scanner, in: devices)
        #expect(till.nextScan()?["data"] as? String == "4006381333931")

        // Half a scan, then the cable comes out.
        var half = KeyScript()
        half.typeUS("299000")
        try scan(half, on: scanner, in: devices)
        try devices.unplug(scanner)
        let removed = try #require(till.next("device.removed"), "\(gateway.log)")
        #expect(removed.deviceID == scanner.id)

        // Plugged in again into the same port (the kernel gives it a new event node): same id,
        // and the first scan is whole.
        let replugged = EmulatedScanner.keyboardWedge(serial: nil, port: 5, event: 22)
        try devices.plug(replugged)
        #expect(till.next("device.added")?.deviceID == scanner.id)
        try scan(.usScan(member), on: replugged, in: devices)
        let whole = try #require(till.nextScan(), "\(gateway.log)")
        #expect(whole["data"] as? String == member)
        #expect(whole["kind"] as? String == "card")
        #expect(till.unread.filter { $0["event"] as? String == "scan" }.isEmpty)
    }

    @Test func scansKeepFlowingWhileTheCoreIsDownAndCardsAreLookedUpAgainWhenItIsBack() throws {
        let scanner = EmulatedScanner.keyboardWedge()
        try devices.plug(scanner)
        let gateway = try GatewayProcess(core: core, devices: devices)
        let till = try gateway.till()
        try till.subscribe()
        try scan(.usScan(member), on: scanner, in: devices)
        #expect(try #require(till.nextScan(), "\(gateway.log)").account != nil)

        core.kill9()
        try scan(.usScan(member), on: scanner, in: devices)
        let unavailable = try #require(till.nextScan(), "\(gateway.log)")
        #expect(unavailable["kind"] as? String == "card")
        #expect(unavailable.errorCode == "core-unavailable")
        try scan(.usScan("5000112637922"), on: scanner, in: devices)
        let product = try #require(till.nextScan())
        #expect(product["kind"] as? String == "other")
        #expect(product["error"] is NSNull)

        try core.start()
        let resent = try #require(till.nextScan(within: 15), "\(gateway.log)")
        #expect(resent["resent"] as? Bool == true)
        #expect(resent["scanId"] as? Int == unavailable["scanId"] as? Int)
        #expect(resent.account != nil)
        #expect(resent["error"] is NSNull)
        // And new scans are looked up normally again.
        try scan(.usScan(member), on: scanner, in: devices)
        #expect(till.nextScan()?.account != nil)
    }

    @Test func aTillThatReconnectsGetsWhatItMissedAndEachTillOnlyItsScanners() throws {
        let front = EmulatedScanner.keyboardWedge(serial: "FRONT", port: 2, event: 20)
        let back = EmulatedScanner.keyboardWedge(serial: "BACK", port: 3, event: 21)
        try devices.plug(front)
        try devices.plug(back)
        let gateway = try GatewayProcess(core: core, devices: devices)
        let frontTill = try gateway.till()
        let answer = try frontTill.subscribe(devices: [front.id])
        #expect((answer["devices"] as? [[String: Any]])?.map { $0["id"] as? String } == [front.id], "\(gateway.log)")
        let epoch = answer["epoch"] as? String
        let backTill = try gateway.till()
        try backTill.subscribe(devices: [back.id])

        try scan(.usScan("4006381333931"), on: front, in: devices)
        let seen = try #require(frontTill.nextScan(), "\(gateway.log)")
        let cursor = try #require(seen["cursor"] as? Int)
        try scan(.usScan("96385074"), on: back, in: devices)
        #expect(backTill.nextScan()?["data"] as? String == "96385074")

        // The front till goes away; two scans happen meanwhile.
        _ = frontTill
        let missedOne = "5000112637922", missedTwo = member
        try scan(.usScan(missedOne), on: front, in: devices)
        try scan(.usScan(missedTwo), on: front, in: devices)
        #expect(backTill.nextScan(within: 1) == nil)  // nothing from the front scanner

        let again = try gateway.till()
        let resumed = try again.subscribe(devices: [front.id], since: cursor, epoch: epoch)
        #expect(resumed["complete"] as? Bool == true)
        #expect(resumed["replayed"] as? Int == 2)
        let first = try #require(again.nextScan())
        let second = try #require(again.nextScan())
        #expect([first["data"] as? String, second["data"] as? String] == [missedOne, missedTwo])
        #expect(first["replayed"] as? Bool == true)
        #expect([first["seq"] as? Int, second["seq"] as? Int] == [1, 2])
    }

    @Test func garbageIsSurvived() throws {
        let scanner = EmulatedScanner.keyboardWedge()
        try devices.plug(scanner)
        let gateway = try GatewayProcess(core: core, devices: devices)
        let till = try gateway.till()
        try till.subscribe()
        // 10,000 characters in one scan: rejected as a whole, reported.
        try scan(.usScan(String(repeating: "7", count: 10_000)), on: scanner, in: devices, gap: .milliseconds(1))
        let rejected = try #require(till.next("scan.rejected"), "\(gateway.log)")
        #expect(rejected["reason"] as? String == "too-long")
        // Non-printable keys (F1, Escape) inside a scan are removed; the scan survives.
        var noisy = KeyScript()
        noisy.typeUS("4006381")
        noisy.tap(59)  // F1
        noisy.tap(1)  // Escape
        noisy.typeUS("333931")
        noisy.tap(KeyScript.enter)
        try scan(noisy, on: scanner, in: devices)
        // An endless burst without a suffix is cut at the limit and reported, once.
        var endless = KeyScript()
        endless.typeUS(String(repeating: "ABC", count: 2_000))
        try scan(endless, on: scanner, in: devices, gap: .milliseconds(1))
        // A GS1 code with GS (Ctrl+]) keeps its separator.
        try scan(.usScan("]C1010400638133393110ABC\u{1D}21XYZ"), on: scanner, in: devices)

        let clean = try #require(till.nextScan(), "\(gateway.log)")
        #expect(clean["data"] as? String == "4006381333931")
        #expect(till.next("scan.rejected")?["reason"] as? String == "too-long", "\(gateway.log)")
        let gs1 = try #require(till.nextScan())
        #expect(gs1["data"] as? String == "010400638133393110ABC\u{1D}21XYZ")
        #expect(gs1["symbology"] as? String == "GS1-128")
        #expect(gateway.log.contains("non-printable"))
        // Still alive and answering.
        #expect((try till.request("devices.list")["devices"] as? [Any])?.count == 1)
        #expect(gateway.terminate() == 0)
    }

    @Test func aDeviceSendingBadReportsOrFailingIsReportedAndTheRestGoesOn() throws {
        let scanner = EmulatedScanner.hidPOS()
        try devices.plug(scanner)
        let gateway = try GatewayProcess(core: core, devices: devices)
        let till = try gateway.till()
        try till.subscribe()
        var unknown = HIDPOSReports.reports(aim: "]E0", data: "4006381333931")
        unknown[0] = 7  // a report id the descriptor does not declare
        try devices.send(unknown, to: scanner.node)
        let rejected = try #require(till.next("scan.rejected"), "\(gateway.log)")
        #expect(rejected["reason"] as? String == "malformed")
        try devices.send(HIDPOSReports.reports(aim: "]E0", data: "4006381333931"), to: scanner.node)
        #expect(till.nextScan()?["data"] as? String == "4006381333931")

        try devices.breakDevice(scanner)
        let removed = try #require(till.next("device.removed"), "\(gateway.log)")
        #expect(removed.deviceID == scanner.id)
        #expect((removed["reason"] as? String)?.isEmpty == false)
        let node = try till.call(GatewayOp.GatewayStatus.self).nodes.first { $0.device.node == scanner.node }
        #expect(node?.open == false)
        #expect(node?.error != nil)
        #expect(gateway.terminate() == 0)
    }
}
