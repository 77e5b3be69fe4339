import Foundation
import LoyalgateProtocol
import Testbed
import Testing

/// The technician's tools, run as the technician runs them: `loyalgate doctor` and
/// `loyalgate till watch` against a gateway on emulated scanners.
@Suite(.serialized, .enabled(if: EmulatedDevices.isAvailable, "umockdev is not installed (scripts/install-deps)"))
struct GatewayToolsTests {
    let core = CoreProcess()
    let devices: EmulatedDevices

    init() throws {
        devices = try EmulatedDevices()
        try core.setUp(programs: ["dutch-pharmacy"])
        try core.start()
    }

    /// The contract's gateway ops (`GatewayOp.all`, which docs/gateway.md must list) are the
    /// ones the running gateway serves: each is known to it, and an op outside the list is not.
    @Test func theGatewayServesExactlyTheContractsOps() throws {
        let gateway = try GatewayProcess(core: core, devices: devices)
        let till = try gateway.till()
        for op in GatewayOp.all where op.name != GatewayOp.Subscribe.name {
            let answer = try till.request(op.name)
            #expect(answer.errorCode != "unknown-op", "\(op.name): \(answer)")
        }
        #expect(try till.request("card.lookup").errorCode == "unknown-op")
        #expect(try till.request("devices.remove").errorCode == "unknown-op")
    }

    @Test func doctorExplainsEachDeviceAndFailsWhenTheCoreIsDown() throws {
        let scanner = EmulatedScanner.keyboardWedge()
        try devices.plug(scanner)
        try devices.plug(.ordinaryKeyboard())
        let gateway = try GatewayProcess(core: core, devices: devices)
        let till = try gateway.till()
        try till.subscribe()
        try scan(.usScan("4006381333931"), on: scanner, in: devices)
        #expect(till.nextScan() != nil, "\(gateway.log)")

        let arguments = ["doctor", "--socket", gateway.socket, "--core", core.socket]
        let healthy = try Loyalgate.run(arguments, environment: devices.environment)
        #expect(healthy.status == 0, "\(healthy.stdout)\(healthy.stderr)")
        #expect(healthy.stdout.contains("/dev/input/event20  0c2e:0b81"))
        #expect(healthy.stdout.contains("SCANNER, keyboard mode, honeywell family"))
        #expect(healthy.stdout.contains("grabbed (keys do not reach the desktop)"))
        #expect(healthy.stdout.contains(#"last scan: "4006381333931""#))
        #expect(healthy.stdout.contains("not a scanner: an ordinary keyboard"))
        #expect(healthy.stdout.contains("keyboard layout us"))
        #expect(healthy.stdout.contains("All good."))

        core.kill9()
        let broken = try Loyalgate.run(arguments, environment: devices.environment)
        #expect(broken.status == 1)
        #expect(broken.stdout.contains("The core does not answer"))
    }

    /// Remote support gets the same facts as one JSON object: the scanner, whether the gateway
    /// holds it and its last scan, the core's merchants, and what is wrong once the core is down.
    @Test func doctorJSONGivesTheSameFactsAsOneObject() throws {
        let scanner = EmulatedScanner.keyboardWedge()
        try devices.plug(scanner)
        try devices.plug(.ordinaryKeyboard())
        let gateway = try GatewayProcess(core: core, devices: devices)
        let till = try gateway.till()
        try till.subscribe()
        try scan(.usScan("4006381333931"), on: scanner, in: devices)
        #expect(till.nextScan() != nil, "\(gateway.log)")

        let arguments = ["doctor", "--json", "--socket", gateway.socket, "--core", core.socket]
        let healthy = try Loyalgate.run(arguments, environment: devices.environment)
        #expect(healthy.status == 0, "\(healthy.stdout)\(healthy.stderr)")
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(healthy.stdout.utf8)) as? [String: Any], "\(healthy.stdout)")
        #expect(report["ok"] as? Bool == true)
        #expect((report["problems"] as? [Any])?.isEmpty == true)
        let nodes = try #require(report["nodes"] as? [[String: Any]])
        let wedge = try #require(nodes.first { $0["node"] as? String == "/dev/input/event20" }, "\(nodes)")
        #expect(wedge["usbID"] as? String == "0c2e:0b81")
        #expect(wedge["scanner"] as? Bool == true)
        #expect(wedge["mode"] as? String == "keyboard" && wedge["family"] as? String == "honeywell")
        #expect(wedge["layout"] as? String == "us" && wedge["layoutKnown"] as? Bool == true)
        let held = try #require(wedge["gateway"] as? [String: Any])
        #expect(held["reading"] as? Bool == true && held["grabbed"] as? Bool == true)
        #expect(held["lastScan"] as? String == "4006381333931")
        #expect(
            nodes.contains {
                $0["scanner"] as? Bool == false && ($0["reason"] as? String)?.contains("ordinary keyboard") == true
            })
        let gatewayFacts = try #require(report["gateway"] as? [String: Any])
        #expect(gatewayFacts["answers"] as? Bool == true && gatewayFacts["coreConnected"] as? Bool == true)
        #expect(gatewayFacts["cardPrefixes"] as? [String] == ["2990001"])
        let coreFacts = try #require(report["core"] as? [String: Any])
        let merchants = try #require(coreFacts["merchants"] as? [[String: Any]])
        #expect(merchants.map { $0["code"] as? String } == ["apotheek-de-linde"])

        core.kill9()
        let broken = try Loyalgate.run(arguments, environment: devices.environment)
        #expect(broken.status == 1)
        let down = try #require(
            try JSONSerialization.jsonObject(with: Data(broken.stdout.utf8)) as? [String: Any], "\(broken.stdout)")
        #expect(down["ok"] as? Bool == false)
        #expect((down["core"] as? [String: Any])?["answers"] as? Bool == false)
        #expect((down["problems"] as? [String])?.contains { $0.contains("The core does not answer") } == true)
    }

    @Test func doctorSaysSoWhenNoScannerIsPluggedIn() throws {
        try devices.plug(.ordinaryKeyboard())
        let result = try Loyalgate.run(
            ["doctor", "--socket", core.data + "/none.sock", "--core", core.socket], environment: devices.environment)
        #expect(result.status == 1)
        #expect(result.stdout.contains("No scanner found"))
        #expect(result.stdout.contains("The gateway does not answer"))
    }

    @Test func tillWatchPrintsTheEventStream() throws {
        let scanner = EmulatedScanner.keyboardWedge()
        try devices.plug(scanner)
        let gateway = try GatewayProcess(core: core, devices: devices)
        // The scanner is open before the watcher subscribes, so its first event is the scan, not
        // `device.added` (on a loaded machine the gateway may open the node after the watcher
        // connects).
        let probe = try gateway.till()
        for _ in 0..<500 where (try probe.request("devices.list")["devices"] as? [Any] ?? []).isEmpty { usleep(10_000) }
        let watch = Process()
        watch.executableURL = URL(fileURLWithPath: Loyalgate.binary)
        watch.arguments = ["till", "watch", "--socket", gateway.socket, "--count", "2", "--seconds", "60"]
        let output = Pipe()
        watch.standardOutput = output
        watch.standardError = Pipe()
        try watch.run()
        // The watcher is subscribed once the gateway counts a till.
        for _ in 0..<500 where (try probe.request("gateway.status")["tills"] as? Int ?? 0) < 1 { usleep(10_000) }
        try scan(.usScan("4006381333931"), on: scanner, in: devices)
        try devices.unplug(scanner)
        watch.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2, "\(text)\n\(gateway.log)")
        #expect(lines.first?.contains(#"scan  0c2e:0b81:12345  EAN-13  "4006381333931"  other"#) == true, "\(text)")
        #expect(lines.last?.contains("device.removed  0c2e:0b81:12345") == true)
    }

    @Test func tillWatchResumesAfterTheGatewayRestarts() throws {
        let scanner = EmulatedScanner.keyboardWedge()
        try devices.plug(scanner)
        var gateway = try GatewayProcess(core: core, devices: devices)
        let watch = Process()
        watch.executableURL = URL(fileURLWithPath: Loyalgate.binary)
        watch.arguments = ["till", "watch", "--socket", gateway.socket, "--count", "3", "--seconds", "60"]
        let output = Pipe(), errors = Pipe()
        watch.standardOutput = output
        watch.standardError = errors
        try watch.run()
        let probe = try gateway.till()
        for _ in 0..<500 where (try probe.request("gateway.status")["tills"] as? Int ?? 0) < 1 { usleep(10_000) }
        try scan(.usScan("4006381333931"), on: scanner, in: devices)
        for _ in 0..<500 where (try probe.request("gateway.status")["cursor"] as? Int ?? 0) < 1 { usleep(10_000) }
        usleep(200_000)  // let the watcher print it before the gateway goes
        #expect(gateway.terminate() == 0)

        // A new gateway run: the watcher reconnects, resubscribes with its cursor and the old
        // epoch, and gets this run's events (the scanner found again, then the new scan).
        gateway = try GatewayProcess(core: core, devices: devices)
        let probe2 = try gateway.till()
        for _ in 0..<500 where (try probe2.request("gateway.status")["tills"] as? Int ?? 0) < 1 { usleep(20_000) }
        try scan(.usScan("96385074"), on: scanner, in: devices)
        watch.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 3, "\(text)\n\(log)")
        #expect(lines.first?.contains(#""4006381333931""#) == true)
        #expect(lines.dropFirst().first?.contains("device.added  0c2e:0b81:12345") == true, "\(text)")
        #expect(lines.last?.contains(#""96385074""#) == true, "\(text)")
        #expect(log.contains("some events were missed while away"))
    }
}
