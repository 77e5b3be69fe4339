import ArgumentParser
// `stat` and `timespec` below: with swift-nio-ssl's C modules in the build, the compiler may
// attribute these C structs to CoreFoundation rather than Glibc (MemberImportVisibility).
import CoreFoundation
import Foundation
import LoyalgateClient
import LoyaltyDomain
import ScanDecoding
import ScannerDrivers
import Testbed

extension Bench {
    /// Scan-to-till latency through the real gateway and core, with an emulated scanner
    /// (umockdev) and the core holding a large database; and the decoders' throughput.
    /// docs/benchmarks-gateway.md has the figures and how they were taken.
    struct GatewayLatency: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gateway",
            abstract: "Scan-to-till latency (p50/p99) through gateway and core, and decoder throughput.")

        @Option(help: "Working folder of the core benchmark; its seeded database is reused.") var dir: String =
            ".build-bench/core"
        @Option(help: "Cards in the core's database.") var cards: Int = 1_000_000
        @Option(help: "Scans to time (half loyalty cards, half product codes).") var scans: Int = 2000
        @Option(help: "Key events fed to the keyboard decoder for the throughput figure.") var events: Int = 1_000_000

        func run() throws {
            try decoderThroughput()
            guard EmulatedDevices.isAvailable else {
                throw ValidationError(
                    "umockdev is not installed (scripts/install-deps); only the decoder figures were taken.")
            }
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let core = try Bench.CoreEarns.parse(["--dir", dir, "--cards", String(cards)])
            try core.seedIfNeeded()
            let coreSocket = dir + "/core.sock"
            let coreProcess = try Bench.CoreEarns.startCore(binaryArguments: [
                "core", "--data", dir, "--socket", coreSocket,
            ])
            defer { coreProcess.stop() }
            try coreProcess.waitForSocket(coreSocket, within: .seconds(30))

            let devices = try EmulatedDevices()
            let scanner = EmulatedScanner.keyboardWedge()
            try devices.plug(scanner)
            let gatewaySocket = dir + "/gateway.sock"
            let gateway = try ChildProcess(
                try LoyalgateBinary.path(), ["gateway", "--core", coreSocket, "--socket", gatewaySocket],
                environment: devices.environment)
            try gateway.start()
            defer { gateway.stop() }
            try gateway.waitForSocket(gatewaySocket, within: .seconds(30))
            // A bare line connection, not LoyalgateClient: the clock must stop when the event's line
            // arrives, before anything decodes it.
            let till = try UnixLineClient(path: gatewaySocket)
            _ = try till.request(#"{"id":1,"op":"subscribe"}"#)

            var cardLatencies: [Duration] = [], productLatencies: [Duration] = []
            var generator = SystemRandomNumberGenerator()
            // The first scans warm the core's page cache and the gateway's connection; not timed.
            let warmUp = 50
            for index in 0..<(scans + warmUp) {
                let isCard = index % 2 == 0
                let data =
                    isCard
                    ? try CardNumber(prefix: "2800", serial: Int64.random(in: 0..<Int64(cards), using: &generator))
                        .digits
                    : "40063813339\(String(format: "%02d", index % 100))"
                let script = KeyScript.usScan(data)
                // The scanner's keys 2 ms apart; the test bed stamps them as it writes them.
                let lastKey = try devices.type(
                    script, on: scanner.node, gap: .milliseconds(2), pause: .milliseconds(1), endingNow: true)
                defer {
                    // The next scan's first key comes after this one's last, so wait out its span.
                    let span = Duration.milliseconds(2) * (script.events.filter { $0.value == 1 }.count - 1)
                    while KeyScript.now() < lastKey + span + .milliseconds(2) { usleep(200) }
                }
                while true {
                    guard till.waitReadable(milliseconds: 30_000), let line = try till.readLine() else {
                        throw ValidationError("no scan event after 30 s (scan \(index))")
                    }
                    guard line.contains(#""event":"scan""#) else { continue }
                    let latency = KeyScript.now() - lastKey
                    guard line.contains(data) else { throw ValidationError("unexpected scan: \(line)") }
                    if isCard {
                        guard line.contains(#""kind":"card""#) else {
                            throw ValidationError("card scan not seen as a card: \(line)")
                        }
                        guard index < warmUp || line.contains(#""error":null"#) else {
                            throw ValidationError("card scan without account: \(line)")
                        }
                        if index >= warmUp { cardLatencies.append(latency) }
                    } else if index >= warmUp {
                        productLatencies.append(latency)
                    }
                    break
                }
            }
            print("scan to till, \(scans) scans, core holding \(cards) cards:")
            print("  card scans (card.lookup in the core): \(Self.percentiles(cardLatencies))")
            print("  product scans (no lookup):            \(Self.percentiles(productLatencies))")
            for (name, process) in [("gateway", gateway), ("core", coreProcess)] {
                if let usage = ProcessUsage(pid: process.processIdentifier) {
                    print("\(name) \(usage.memoryLine)")
                }
            }
        }

        /// The thread's CPU time for `body`: on a shared machine, wall time would mostly measure
        /// the other processes.
        static func cpuTime(_ body: () -> Void) -> Duration {
            var start = timespec(), end = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start)
            body()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end)
            return (.seconds(end.tv_sec) + .nanoseconds(end.tv_nsec))
                - (.seconds(start.tv_sec) + .nanoseconds(start.tv_nsec))
        }

        static func percentiles(_ values: [Duration]) -> String {
            let sorted = values.sorted()
            guard !sorted.isEmpty else { return "no samples" }
            return
                "p50 \(sorted[sorted.count / 2].inMicroseconds) us, p99 \(sorted[sorted.count * 99 / 100].inMicroseconds) us, max \(sorted.last!.inMicroseconds) us"
        }

        func decoderThroughput() throws {
            // Keyboard: 13-digit scans + Enter as raw input_event records, as read from evdev.
            var script = KeyScript()
            for _ in 0..<max(1, events / 60) {
                script.typeUS("2800123456789")
                script.tap(KeyScript.enter)
            }
            let bytes = script.records(start: .seconds(1_000_000), gap: .milliseconds(2))
            let records = bytes.count / KeyboardScanDecoder.recordSize
            let decoder = try KeyboardScanDecoder(layout: "us", configuration: .init())
            var scansOut = 0
            let keyboardTime = Self.cpuTime {
                var offset = 0
                while offset < bytes.count {
                    let end = min(bytes.count, offset + KeyboardScanDecoder.recordSize * 256)
                    decoder.feed(bytes[offset..<end], readAt: MonotonicClock.now()) { outcome, _ in
                        if case .scan = outcome { scansOut += 1 }
                    }
                    offset = end
                }
            }
            print(
                String(
                    format:
                        "keyboard decoder (records -> xkb -> scans): %.2f M events per CPU-second (%d events, %d scans)",
                    Double(records) / keyboardTime.inSeconds / 1e6, records, scansOut))

            // HID POS: the emulated Honeywell's 64-byte reports, every other scan continued.
            let layout = try HIDPOSReportLayout(descriptorBytes: Self.honeywellDescriptor)
            var hid = HIDPOSReportDecoder(layout: layout)
            let reports =
                HIDPOSReports.reports(aim: "]Q1", data: String(repeating: "x", count: 80))
                + HIDPOSReports.reports(aim: "]E0", data: "2800123456789")
            let count = max(1, events / 10)
            var hidScans = 0
            let hidTime = Self.cpuTime {
                for _ in 0..<(count / 3) {
                    for start in stride(from: 0, to: reports.count, by: 64) {
                        if case .scan = hid.decode(reports[start..<start + 64]) { hidScans += 1 }
                    }
                }
            }
            let hidReports = count / 3 * 3
            let hidRate = Double(hidReports) / hidTime.inSeconds / 1e6
            print(
                String(
                    format: "HID POS decoder: %.2f M reports per CPU-second (%d reports, %d scans)", hidRate,
                    hidReports, hidScans))
        }

        static let honeywellDescriptor: [UInt8] = {
            let hex =
                "058C0902A1010912A1028502150026FF00750895010501093B81029503058C09FB09FC09FD8102953809FE8202010666FF9502090409008102058C25017501950809FF8102C0C0"
            var bytes: [UInt8] = []
            var index = hex.startIndex
            while index < hex.endIndex {
                let next = hex.index(index, offsetBy: 2)
                bytes.append(UInt8(hex[index..<next], radix: 16)!)
                index = next
            }
            return bytes
        }()
    }
}
