import LoyalgateClient
import ArgumentParser
import Foundation
import LoyalgateProtocol
import SocketServer

extension Till {
    /// `loyalgate till watch`: subscribes to a gateway and prints its events, one line each, as
    /// a till would receive them. When the gateway goes away it reconnects and resumes with
    /// `since`, so what happened meanwhile is printed too (marked "replayed").
    struct Watch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a gateway's event stream as a till receives it (scans, devices), reconnecting when it restarts.")

        @Option(help: "The gateway's socket.") var socket: String = ".loyalgate/gateway.sock"
        @Option(name: .customLong("device"), help: "Only this device id (repeatable); all devices by default.") var devices: [String] = []
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
                let client: UnixLineClient
                do {
                    client = try UnixLineClient(path: socket)
                } catch {
                    if !announcedWait { FileHandle.standardError.write(Data("waiting for the gateway at \(socket)...\n".utf8)) }
                    announcedWait = true
                    usleep(500_000)
                    continue
                }
                announcedWait = false
                var request: [String: JSONValue] = ["id": .int(1), "op": .string("subscribe")]
                if !devices.isEmpty { request["devices"] = .array(devices.map(JSONValue.string)) }
                if let cursor { request["since"] = .int(cursor) }
                if let epoch { request["epoch"] = .string(epoch) }
                let answer = try JSONValue.parse(Data(client.request(String(decoding: JSONEncoder().encode(JSONValue.object(request)), as: UTF8.self)).utf8))
                guard answer?["ok"]?.boolValue == true else {
                    throw ValidationError("The gateway refused the subscription: \(answer?["error"]?["message"]?.stringValue ?? "no answer").")
                }
                epoch = answer?["epoch"]?.stringValue
                if cursor == nil { cursor = answer?["cursor"]?.intValue }
                let listed = answer?["devices"]?.arrayValue ?? []
                FileHandle.standardError.write(Data("subscribed: \(listed.count) scanner(s)\(listed.isEmpty ? "" : ": ")\(listed.compactMap { $0["id"]?.stringValue }.joined(separator: ", "))\(answer?["complete"]?.boolValue == false ? " (some events were missed while away)" : "")\n".utf8))
                while deadline.map({ Date() < $0 }) ?? true {
                    let wait = deadline.map { Int32(max(0, min(1000, $0.timeIntervalSinceNow * 1000))) } ?? 1000
                    guard client.waitReadable(milliseconds: wait) else { continue }
                    guard let line = try? client.readLine() else { break }
                    guard let event = JSONValue.parse(Data(line.utf8)), event["event"] != nil else { continue }
                    cursor = event["cursor"]?.intValue ?? cursor
                    print(json ? line : Self.describe(event))
                    fflush(nil)  // every stream: a technician piping into grep sees events as they come
                    printed += 1
                    if let count, printed >= count { return }
                }
                FileHandle.standardError.write(Data("the gateway closed the connection; reconnecting...\n".utf8))
            }
        }

        /// One readable line per event.
        static func describe(_ event: JSONValue) -> String {
            let name = event["event"]?.stringValue ?? "?"
            let seq = event["seq"]?.intValue.map { "#\($0)" } ?? ""
            var parts = [seq, name]
            switch name {
            case "scan":
                parts.append(event["device"]?.stringValue ?? "?")
                parts.append(event["symbology"]?.stringValue ?? "unknown symbology")
                let data = event["data"]?.stringValue ?? ""
                parts.append(String(reflecting: data.count > 80 ? String(data.prefix(77)) + "..." : data))
                parts.append(event["kind"]?.stringValue ?? "?")
                if let account = event["card"]?["account"] {
                    let points = account["points"]?.intValue.map(String.init) ?? "?"
                    parts.append("account \(account["id"].map { "\($0.intValue.map(String.init) ?? $0.stringValue ?? "?")" } ?? "?"): \(points) points, balance \(account["balance"]?.stringValue ?? "?") \(account["currency"]?.stringValue ?? "")")
                }
                if let error = event["error"], let code = error["code"]?.stringValue {
                    parts.append("ERROR \(code): \(error["message"]?.stringValue ?? "")")
                }
                if event["resent"]?.boolValue == true { parts.append("(looked up again, scan \(event["scanId"]?.intValue ?? 0))") }
            case "device.added", "device.removed":
                let device = event["device"]
                parts.append(device?["id"]?.stringValue ?? "?")
                parts.append(device?["mode"]?.stringValue ?? "?")
                parts.append(device?["node"]?.stringValue ?? "?")
                parts.append(String(reflecting: device?["name"]?.stringValue ?? ""))
                if let reason = event["reason"]?.stringValue { parts.append("(\(reason))") }
            case "scan.rejected":
                parts.append(event["device"]?.stringValue ?? "?")
                parts.append("\(event["reason"]?.stringValue ?? "?"): \(event["message"]?.stringValue ?? "")")
            default:
                parts.append(String(decoding: (try? JSONEncoder().encode(event)) ?? Data(), as: UTF8.self))
            }
            if event["replayed"]?.boolValue == true { parts.append("(replayed)") }
            return parts.filter { !$0.isEmpty }.joined(separator: "  ")
        }
    }
}
