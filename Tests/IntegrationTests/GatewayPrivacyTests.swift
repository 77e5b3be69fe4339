import Foundation
import LoyalgateClient
import LoyalgateProtocol
import Testbed
import Testing

/// A card scan's look-up (display name, patient reference) reaches each till on the gateway
/// socket only as far as its merchant binding allows (the gateway's `access`).
@Suite(
    .serialized, .enabled(if: EmulatedDevices.isAvailable, "umockdev is not installed (scripts/install-deps)"),
    .enabled(if: getuid() == 0, "other users are needed: run the tests as root"))
struct GatewayPrivacyTests {
    @Test func aTillWithoutABindingSeesNoDisplayNameAndABoundOneSeesItsCustomer() throws {
        let (member, core, devices) = try ScannerShop.open(memberSerial: 81)
        let office = try core.client()
        let registered = json(
            try office.request(
                #"{"id":1,"op":"customer.register","card":"\#(member)","details":{"name":"Anna Kuipers"}}"#))
        #expect(registered["displayName"] as? String == "Anna K.")
        _ = try office.request(#"{"id":2,"op":"card.link-patient","card":"\#(member)","patientRef":"PAT-0042"}"#)

        let scanner = EmulatedScanner.keyboardWedge()
        try devices.plug(scanner)
        // Tills in group 48100 act for the pharmacy; this test's own user has no rule.
        let gateway = try GatewayProcess(
            core: core, devices: devices,
            configuration: #"{"access":{"callers":[{"gid":48100,"merchant":"apotheek-de-linde"}]}}"#)
        HostileInputTests.openToOtherUsers(gateway.socket, of: gateway.process)
        let unbound = try gateway.till()
        try unbound.subscribe()
        let watcher = try ChildProcess(
            "/usr/bin/setpriv",
            [
                "--reuid=48001", "--regid=48001", "--groups=48100", Loyalgate.binary, "till", "watch", "--socket",
                gateway.socket, "--json", "--count", "1", "--seconds", "90",
            ])
        try watcher.start()
        // The bound till is subscribed once it says so on stderr; only then may the scan happen
        // (a first subscription gets no replay).
        let deadline = Date().addingTimeInterval(60)
        var subscribed = false
        while !subscribed, Date() < deadline {
            subscribed = ((try? String(contentsOfFile: watcher.stderrPath, encoding: .utf8)) ?? "").contains(
                "subscribed")
            if !subscribed { usleep(20_000) }
        }
        try #require(
            subscribed,
            "the bound till did not subscribe: \((try? String(contentsOfFile: watcher.stderrPath, encoding: .utf8)) ?? "")\n\(gateway.log)"
        )

        try scan(.usScan("]E0" + member), on: scanner, in: devices)
        let event = try #require(unbound.nextScan(), "\(gateway.log)")
        #expect(event["kind"] as? String == "card")
        let lookup = event["card"] as? [String: Any]
        #expect(lookup?["customer"] is NSNull, "\(event)")
        #expect(lookup?["patientRef"] is NSNull)
        #expect(event.account?["points"] as? Int == 0)

        #expect(watcher.waitForExit(within: .seconds(90)))
        let bound = (try? String(contentsOfFile: watcher.stdoutPath, encoding: .utf8)) ?? ""
        #expect(bound.contains("Anna K.") && bound.contains("PAT-0042"), "\(bound)\n\(gateway.log)")
        #expect(gateway.terminate() == 0)
    }
}
