import LoyalgateClient
import Foundation
import LoyalgateProtocol
import SocketServer

/// The gateway's connection to the core: blocking, so the scan pipeline runs its calls on a
/// thread of their own, one call at a time, and awaits each (hence `@unchecked Sendable`).
/// It (re)connects with exponential backoff and learns the card-number ranges from
/// `core.status` each time it connects.
final class CoreLink: @unchecked Sendable {
    let path: String
    let timeoutMilliseconds: Int32
    private var client: UnixLineClient?
    private var nextID: Int64 = 0
    private var backoff: Duration = .milliseconds(50)
    private(set) var nextAttempt = ContinuousClock.now
    /// Learned from the core; kept while it is away.
    private(set) var learnedRanges: [GatewayConfiguration.CardRange] = []
    private(set) var lastError: String?

    static let maximumBackoff: Duration = .seconds(2)

    init(path: String, timeoutMilliseconds: Int) {
        self.path = path
        self.timeoutMilliseconds = Int32(timeoutMilliseconds)
    }

    var isConnected: Bool { client != nil }

    /// Connects if the backoff allows; true when connected afterwards.
    @discardableResult
    func connectIfDue() -> Bool {
        if client != nil { return true }
        guard ContinuousClock.now >= nextAttempt else { return false }
        do {
            let candidate = try UnixLineClient(path: path)
            client = candidate
            let status = try request(#"{"op":"core.status"}"#)
            if let merchants = status["merchants"]?.arrayValue {
                learnedRanges = merchants.compactMap { merchant in
                    merchant["cardPrefix"]?.stringValue.map { .init(merchant: merchant["code"]?.stringValue, prefix: $0) }
                }
            }
            backoff = .milliseconds(50)
            lastError = nil
            return true
        } catch {
            disconnect(because: "\(error)")
            return false
        }
    }

    func disconnect(because reason: String) {
        client = nil
        lastError = reason
        nextAttempt = ContinuousClock.now + backoff
        backoff = min(backoff * 2, Self.maximumBackoff)
    }

    enum LookupResult: Sendable {
        case card(JSONValue)
        case error(code: String, message: String)
    }

    /// `card.lookup`; throws when the core did not answer (down, restarting, too slow).
    func lookup(card: String, merchant: String?) throws -> LookupResult {
        var request = #"{"op":"card.lookup","card":"\#(card)""#
        if let merchant { request += #","merchant":\#(Self.quoted(merchant))"# }
        let answer = try self.request(request + "}")
        if answer["ok"]?.boolValue == true {
            var result = answer.objectValue
            result["id"] = nil
            result["ok"] = nil
            return .card(.object(result))
        }
        return .error(code: answer["error"]?["code"]?.stringValue ?? "internal-error",
                      message: answer["error"]?["message"]?.stringValue ?? "The core gave no reason.")
    }

    private func request(_ body: String) throws -> JSONValue {
        guard let client else { throw GatewayError("not connected") }
        nextID += 1
        let line = #"{"id":\#(nextID),"# + body.dropFirst()
        do {
            try client.send(line: line)
            guard client.waitReadable(milliseconds: timeoutMilliseconds) else {
                throw GatewayError("the core did not answer within \(timeoutMilliseconds) ms")
            }
            guard let text = try client.readLine(), let answer = JSONValue.parse(Data(text.utf8)) else {
                throw GatewayError("the core closed the connection")
            }
            guard answer["id"]?.intValue == nextID else { throw GatewayError("the core answered out of order") }
            return answer
        } catch {
            disconnect(because: "\(error)")
            throw error
        }
    }

    static func quoted(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}
