import ArgumentParser
import Foundation
import LoyalgateClient
import LoyalgateProtocol

extension Till {
    /// `loyalgate till watch`: subscribes to a gateway and prints its events, one line each, as
    /// a till would receive them. When the gateway goes away it reconnects and resumes with
    /// `since`, so what happened meanwhile is printed too (marked "replayed").
    struct Watch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print a gateway's event stream as a till receives it (scans, devices), reconnecting when it restarts.")

        @Option(help: "The gateway's socket.") var socket: String = ".loyalgate/gateway.sock"
        @Option(name: .customLong("device"), help: "Only this device id (repeatable); all devices by default.")
        var devices: [String] = []
        @Flag(help: "Print the raw JSON lines instead of one readable line per event.") var json = false
        @Option(help: "Exit after this many events.") var count: Int?
        @Option(help: "Exit after this many seconds.") var seconds: Double?

        func run() throws {
            let deadline = seconds.map { Date().addingTimeInterval($0) }
            var cursor: Int64?
            var epoch: String?
            var printed = 0
            var announcedWait = false
            while deadline.map({ Date() < $0 }) ?? true {
                let client: LoyalgateClient
                let answer: GatewayOp.Subscribe.Answer
                do {
                    client = try LoyalgateClient(socket: socket)
                    answer = try client.call(
                        GatewayOp.Subscribe.self,
                        .init(devices: devices.isEmpty ? nil : devices, since: cursor, epoch: epoch))
                } catch let refusal as LoyaltyError {
                    throw ValidationError("The gateway refused the subscription: \(refusal.message)")
                } catch {
                    if !announcedWait {
                        FileHandle.standardError.write(Data("waiting for the gateway at \(socket)...\n".utf8))
                    }
                    announcedWait = true
                    usleep(500_000)
                    continue
                }
                announcedWait = false
                epoch = answer.epoch
                if cursor == nil { cursor = answer.cursor }
                let listed = answer.devices.map(\.id)
                FileHandle.standardError.write(
                    Data(
                        "subscribed: \(listed.count) scanner(s)\(listed.isEmpty ? "" : ": ")\(listed.joined(separator: ", "))\(answer.complete ? "" : " (some events were missed while away)")\n"
                            .utf8))
                while deadline.map({ Date() < $0 }) ?? true {
                    let wait = deadline.map { Int32(max(0, min(1000, $0.timeIntervalSinceNow * 1000))) } ?? 1000
                    let line: EventLine
                    do {
                        guard let next = try client.nextEvent(waitingAtMost: wait) else { continue }
                        line = next
                    } catch let notAnEvent as LoyaltyError {
                        FileHandle.standardError.write(Data("\(notAnEvent.message)\n".utf8))
                        continue
                    } catch {
                        break
                    }
                    cursor = line.cursor
                    print(json ? String(decoding: Frame.event(line).dropLast(), as: UTF8.self) : Self.describe(line))
                    fflush(nil)  // every stream: a technician piping into grep sees events as they come
                    printed += 1
                    if let count, printed >= count { return }
                }
                FileHandle.standardError.write(Data("the gateway closed the connection; reconnecting...\n".utf8))
            }
        }

        /// One readable line per event.
        static func describe(_ line: EventLine) -> String {
            var parts = ["#\(line.seq)", line.event.name]
            switch line.event {
            case .scan(let scan):
                parts.append(scan.device.id)
                parts.append(scan.symbology ?? "unknown symbology")
                parts.append(
                    String(reflecting: scan.data.count > 80 ? String(scan.data.prefix(77)) + "..." : scan.data))
                parts.append(scan.kind.rawValue)
                if let account = scan.card?.account {
                    parts.append(
                        "account \(account.id.map(String.init) ?? "new"): \(account.points) points, balance \(account.balance) \(account.currency)"
                    )
                }
                if let error = scan.error { parts.append("ERROR \(error.code): \(error.message)") }
                if scan.resent == true { parts.append("(looked up again, scan \(scan.scanId))") }
            case .deviceAdded(let added):
                parts += [
                    added.device.id, added.device.mode ?? "?", added.device.node, String(reflecting: added.device.name),
                ]
            case .deviceRemoved(let removed):
                parts += [
                    removed.device.id, removed.device.mode ?? "?", removed.device.node,
                    String(reflecting: removed.device.name),
                    "(\(removed.reason))",
                ]
            case .scanRejected(let rejected):
                parts += [rejected.device.id, "\(rejected.reason.rawValue): \(rejected.message)"]
            case .printJob(let job):
                parts += [job.printer, job.job, job.state.rawValue] + (job.reason.map { [$0] } ?? [])
            case .printerStatus(let status):
                parts += [status.printer, status.problems.isEmpty ? "ready" : status.problems.joined(separator: "; ")]
            }
            if line.replayed == true { parts.append("(replayed)") }
            return parts.filter { !$0.isEmpty }.joined(separator: "  ")
        }
    }
}
