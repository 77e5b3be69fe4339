import ArgumentParser
import Foundation
import SocketServer

/// The back-office CLI commands are thin clients of the running core: they send the same ops a
/// till or back-office program would, so the core's roles and checks apply to them too.
struct CoreSocketOptions: ParsableArguments {
    @Option(help: "The core's socket.") var socket: String = ".loyalgate/core.sock"
    @Option(help: "The merchant's code; may be left out when the core has one merchant.") var merchant: String?

    /// Sends `op` with `parameters`, prints the answer as indented JSON, and fails with the
    /// core's own sentence when it refuses.
    @discardableResult
    func send(_ op: String, _ parameters: [String: Any?]) throws -> [String: Any] {
        var request: [String: Any] = ["id": 1, "op": op]
        for (key, value) in parameters { if let value { request[key] = value } }
        if let merchant { request["merchant"] = merchant }
        let line = String(decoding: try JSONSerialization.data(withJSONObject: request, options: [.sortedKeys]), as: UTF8.self)
        let client: UnixLineClient
        do { client = try UnixLineClient(path: socket) } catch {
            throw ValidationError("\(error) Is `loyalgate core` running?")
        }
        let answer = try client.request(line)
        let object = (try? JSONSerialization.jsonObject(with: Data(answer.utf8))) as? [String: Any] ?? [:]
        if object["ok"] as? Bool != true {
            let error = object["error"] as? [String: Any]
            FileHandle.standardError.write(Data("\(error?["code"] as? String ?? "error"): \(error?["message"] as? String ?? answer)\n".utf8))
            throw ExitCode(1)
        }
        var shown = object
        shown.removeValue(forKey: "id")
        shown.removeValue(forKey: "ok")
        let pretty = try JSONSerialization.data(withJSONObject: shown, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        print(String(decoding: pretty, as: UTF8.self))
        return object
    }
}
