import Foundation
import ScanDecoding
import ScannerDrivers
import Testbed
import Testing

/// Unchanged till programs keep their scanner: `shared` leaves the keyboard wedge to the desktop
/// and reads it too; `filter` takes it and types everything but card scans into the focused
/// program. This machine's kernel has no uinput (CONFIG_INPUT_UINPUT is not set), so the typed
/// keys go to the fake uinput (`LOYALGATE_FAKE_UINPUT`: a file of the key events a uinput
/// keyboard would get), which the test types back through XKB in the desktop's layout. The
/// same test against the real /dev/uinput runs where the kernel has it.
@Suite(.serialized, .enabled(if: EmulatedDevices.isAvailable, "umockdev is not installed (scripts/install-deps)"))
struct PassThroughTests {
    let member: String
    let core: CoreProcess
    let devices: EmulatedDevices
    let scanner = EmulatedScanner.keyboardWedge()

    init() throws {
        (member, core, devices) = try ScannerShop.open(memberSerial: 41)
        try devices.plug(scanner)
    }

    func configuration(_ passThrough: String, typeCards: Bool = false) -> String {
        """
        {"typing": {"layout": "de"},
         "devices": [{"match": "\(scanner.id)", "passThrough": "\(passThrough)"\(typeCards ? ", \"typeCards\": true" : "")}]}
        """
    }

    /// What the desktop would read from the recorded key events, in its German layout.
    static func typedText(_ path: String) throws -> String {
        let decoder = try KeyDecoder(layout: "de")
        var text = ""
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: " ").compactMap { Int($0) }
            switch decoder.feed(code: UInt16(fields[0]), value: Int32(fields[1]), at: .zero) {
            case .character(let character, _): text.append(character)
            case .enter: text.append("\n")
            case .tab: text.append("\t")
            default: break
            }
        }
        return text
    }

    @Test func aSharedScannerIsLeftToTheDesktopAndItsCardScansStillArrive() throws {
        let gateway = try GatewayProcess(core: core, devices: devices, configuration: configuration("shared"))
        let till = try gateway.till()
        let answer = try till.subscribe()
        let device = try #require((answer["devices"] as? [[String: Any]])?.first, "\(gateway.log)")
        #expect(device["grabbed"] as? Bool == false)
        #expect(device["passThrough"] as? String == "shared")
        try scan(.usScan(member), on: scanner, in: devices)
        let event = try #require(till.nextScan(), "\(gateway.log)")
        #expect(event["kind"] as? String == "card")
        #expect(event.account != nil)

        let configFile = core.data + "/gateway.json"
        let doctor = try Loyalgate.run(
            ["doctor", "--socket", gateway.socket, "--core", core.socket, "--config", configFile],
            environment: devices.environment)
        #expect(doctor.stdout.contains("pass-through: shared"), "\(doctor.stdout)")
        #expect(doctor.stdout.contains("not grabbed (shared: keys reach the desktop too)"), "\(doctor.stdout)")
        #expect(!doctor.stdout.contains("another program holds the scanner"), "\(doctor.stdout)")
    }

    @Test func aFilterScannerTypesProductCodesInTheDesktopsLayoutAndKeepsCardScansOut() throws {
        let record = core.data + "/typed-keys.txt"
        let gateway = try GatewayProcess(
            core: core, devices: devices, configuration: configuration("filter"),
            environment: ["LOYALGATE_FAKE_UINPUT": record])
        let till = try gateway.till()
        let answer = try till.subscribe()
        let device = try #require((answer["devices"] as? [[String: Any]])?.first, "\(gateway.log)")
        #expect(device["grabbed"] as? Bool == true)
        #expect(device["passThrough"] as? String == "filter")

        try scan(.usScan("ZY-4006381"), on: scanner, in: devices)
        try scan(.usScan(member), on: scanner, in: devices)
        try scan(.usScan("96385074"), on: scanner, in: devices)
        // Every scan still reaches the tills, the card looked up.
        #expect(till.nextScan()?["data"] as? String == "ZY-4006381", "\(gateway.log)")
        #expect(till.nextScan()?.account != nil)
        #expect(till.nextScan()?["data"] as? String == "96385074")
        // A German desktop reads exactly the product codes, each with Enter; no card number.
        #expect(try Self.typedText(record) == "ZY-4006381\n96385074\n")
        // Z is typed with the key a German keyboard has it on (KEY_Y, 21), shifted.
        #expect(try String(contentsOfFile: record, encoding: .utf8).hasPrefix("42 1\n21 1\n21 0\n42 0\n"))

        let status = try gateway.status()
        #expect(
            (status["typing"] as? String)?.contains("NOT typed: a fake uinput records the keys") == true, "\(status)")
    }

    @Test func withTypeCardsAFilterScannerTypesCardScansIntoTheTillProgramToo() throws {
        let record = core.data + "/typed-keys.txt"
        let gateway = try GatewayProcess(
            core: core, devices: devices, configuration: configuration("filter", typeCards: true),
            environment: ["LOYALGATE_FAKE_UINPUT": record])
        let till = try gateway.till()
        try till.subscribe()
        try scan(.usScan(member), on: scanner, in: devices)
        // The card goes to the core (the till gets its balance) and into the pharmacy system's field.
        #expect(till.nextScan()?.account != nil, "\(gateway.log)")
        #expect(try Self.typedText(record) == member + "\n")
    }

    @Test(
        .enabled(
            if: FileManager.default.isWritableFile(atPath: UInputKeyboard.path),
            "needs a writable /dev/uinput: this kernel has none (CONFIG_INPUT_UINPUT is not set); the fake-uinput tests above stand in"
        ))
    func aFilterScannerTypesThroughTheRealUInput() throws {
        let gateway = try GatewayProcess(core: core, devices: devices, configuration: configuration("filter"))
        let status = try gateway.status()
        let typing = try #require(status["typing"] as? String, "\(gateway.log)")
        // "typed through uinput (/dev/input/eventN), layout de": read that node as the desktop would.
        let node = try #require(typing.split(separator: "(").dropFirst().first?.split(separator: ")").first)
        let fd = open(String(node), O_RDONLY | O_NONBLOCK)
        try #require(fd >= 0, "cannot open \(node)")
        defer { close(fd) }
        let till = try gateway.till()
        try till.subscribe()
        try scan(.usScan("ZY-4006381"), on: scanner, in: devices)
        #expect(till.nextScan() != nil)
        usleep(200_000)
        let decoder = try KeyDecoder(layout: "de")
        var text = ""
        var record = [UInt8](repeating: 0, count: 24)
        while read(fd, &record, 24) == 24 {
            let type = UInt16(record[16]) | UInt16(record[17]) << 8
            let code = UInt16(record[18]) | UInt16(record[19]) << 8
            let value = record[20...23].withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }
            guard type == 1 else { continue }
            if case .character(let character, _) = decoder.feed(code: code, value: value, at: .zero) {
                text.append(character)
            }
        }
        #expect(text == "ZY-4006381")
    }
}
