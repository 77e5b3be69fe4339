import Foundation
import LoyalgateClient
import LoyalgateProtocol

/// A till on the gateway socket: requests, and events waited for with a deadline.
final class TillConnection {
    let client: UnixLineClient
    private var nextID = 0
    /// Events that arrived while waiting for an answer, kept in order.
    private var backlog: [[String: Any]] = []

    init(_ client: UnixLineClient) { self.client = client }

    /// Sends a request and returns its answer; events read meanwhile are kept for `next`.
    func request(_ op: String, _ parameters: [String: Any] = [:]) throws -> [String: Any] {
        nextID += 1
        var body = parameters
        body["id"] = nextID
        body["op"] = op
        try client.send(Array(JSONSerialization.data(withJSONObject: body)) + [0x0A])
        while true {
            guard let line = try client.readLine() else { throw UnixLineClient.ClientError.closed }
            let object = json(line)
            if object["event"] != nil { backlog.append(object) } else { return object }
        }
    }

    /// A typed call: the contract's answer type, or the error the gateway refused with. Events
    /// read meanwhile are kept for `next`.
    func call<Op: WireOperation>(_ op: Op.Type, _ parameters: Op.Parameters) throws -> Op.Answer {
        nextID += 1
        try client.send(Array(Frame.request(op, id: .number(Int64(nextID)), parameters)))
        while true {
            guard let line = try client.readLine() else { throw UnixLineClient.ClientError.closed }
            let object = json(line)
            if object["event"] != nil {
                backlog.append(object)
            } else {
                return try Frame.answer(Op.Answer.self, from: Data(line.utf8)).result.get()
            }
        }
    }

    func call<Op: WireOperation>(_ op: Op.Type) throws -> Op.Answer where Op.Parameters == NoParameters {
        try call(op, NoParameters())
    }

    @discardableResult
    func subscribe(devices: [String]? = nil, since: Int? = nil, epoch: String? = nil) throws -> [String: Any] {
        var parameters: [String: Any] = [:]
        if let devices { parameters["devices"] = devices }
        if let since { parameters["since"] = since }
        if let epoch { parameters["epoch"] = epoch }
        return try request("subscribe", parameters)
    }

    /// The next event (of `name`, when given), waiting at most `seconds`; nil on timeout.
    func next(_ name: String? = nil, within seconds: Double = 10) -> [String: Any]? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let index = backlog.firstIndex(where: { name == nil || $0["event"] as? String == name }) {
                return backlog.remove(at: index)
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0, client.waitReadable(milliseconds: Int32(left * 1000)) else { return nil }
            guard let line = try? client.readLine() else { return nil }
            backlog.append(json(line))
        }
    }

    /// The next `scan` event.
    func nextScan(within seconds: Double = 10) -> [String: Any]? { next("scan", within: seconds) }

    /// Every event received so far that was not taken by `next`.
    var unread: [[String: Any]] { backlog }
}

extension [String: Any] {
    var errorCode: String? { (self["error"] as? [String: Any])?["code"] as? String }
    var account: [String: Any]? { (self["card"] as? [String: Any])?["account"] as? [String: Any] }
    /// The id of the device object every scanner event carries.
    var deviceID: String? { (self["device"] as? [String: Any])?["id"] as? String }
}
