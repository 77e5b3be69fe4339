import Foundation
import Glibc
import LoyalgateClient
import LoyalgateProtocol
import LoyaltyDomain
import Testing

/// The client against a real Unix socket whose other end answers as told: a well-behaved core,
/// one that refuses, one that answers another request, one that sends garbage, one that is slow.
@Suite struct LoyalgateClientTests {
    /// A one-connection server on a real socket: reads one request line, writes `reply(line)`
    /// after `delay`, then waits for the client to hang up.
    final class OneAnswerServer: @unchecked Sendable {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lc-\(UUID().uuidString.prefix(8)).sock"
        ).path
        private let listener: Int32

        init(delay: Duration = .zero, reply: @escaping @Sendable (String) -> String) throws {
            listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                raw.copyBytes(from: Array(path.utf8) + [0])
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard bound == 0, listen(listener, 1) == 0 else {
                throw UnixLineClient.ClientError.cannotConnect(path, errno)
            }
            let listening = listener
            Thread.detachNewThread {
                let connection = accept(listening, nil, nil)
                guard connection >= 0 else { return }
                defer { close(connection) }
                var received: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while !received.contains(0x0A) {
                    let count = recv(connection, &buffer, buffer.count, 0)
                    if count <= 0 { return }
                    received += buffer[..<count]
                }
                Thread.sleep(
                    forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
                let answer = Array((reply(String(decoding: received.prefix { $0 != 0x0A }, as: UTF8.self)) + "\n").utf8)
                _ = answer.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                while recv(connection, &buffer, buffer.count, 0) > 0 {}
            }
        }

        deinit {
            close(listener)
            unlink(path)
        }
    }

    static func id(of request: String) -> String {
        let object = (try? JSONSerialization.jsonObject(with: Data(request.utf8))) as? [String: Any]
        return "\(object?["id"] ?? "null")"
    }

    @Test func aTypedCallSendsTheContractsLineAndReadsTheTypedAnswer() throws {
        let server = try OneAnswerServer { request in
            // Anything but the contract's line for this call gets a refusal, which fails the test.
            guard request.contains(#""op":"card.lookup""#), request.contains(#""card":"2990001000018""#) else {
                return
                    #"{"id":\#(Self.id(of: request)),"ok":false,"error":{"code":"bad-request","message":"\#(request)"}}"#
            }
            return #"{"id":\#(Self.id(of: request)),"ok":true,"card":{"number":"2990001000018","status":"active"},"#
                + #""account":{"id":7,"points":42,"balance":"1.50","currency":"EUR"},"customer":null,"patientRef":null,"member":true}"#
        }
        let answer = try LoyalgateClient(socket: server.path).call(CoreOp.CardLookup.self, .init(card: "2990001000018"))
        #expect(
            answer.account.points == 42 && answer.account.balance == "1.50" && answer.member
                && answer.card.status == .active)
    }

    @Test func aRefusalComesBackAsTheContractsError() throws {
        let server = try OneAnswerServer { request in
            #"{"id":\#(Self.id(of: request)),"ok":false,"error":{"code":"unknown-card","message":"Not a card of ours."}}"#
        }
        #expect(throws: LoyaltyError(.unknownCard, "Not a card of ours.")) {
            try LoyalgateClient(socket: server.path).call(CoreOp.CardLookup.self, .init(card: "2990001000018"))
        }
    }

    @Test func anAnswerToAnotherRequestOrGarbageMeansTheStreamIsOutOfStep() async throws {
        for reply in [#"{"id":999,"ok":true,"version":"x","role":"till","merchants":[]}"#, "not json at all"] {
            let server = try OneAnswerServer { _ in reply }
            #expect {
                try LoyalgateClient(socket: server.path).call(CoreOp.CoreStatus.self)
            } throws: { error in
                if case UnixLineClient.ClientError.outOfStep = error { return true }
                return false
            }
        }
    }

    @Test func aSlowServerIsATimeoutNotAHang() throws {
        let server = try OneAnswerServer(delay: .seconds(2)) { request in
            #"{"id":\#(Self.id(of: request)),"ok":true,"version":"x","role":"till","merchants":[]}"#
        }
        let client = try LoyalgateClient(socket: server.path, timeoutMilliseconds: 200)
        #expect {
            try client.call(CoreOp.CoreStatus.self)
        } throws: { error in
            if case UnixLineClient.ClientError.timedOut = error { return true }
            return false
        }
    }

    @Test func theAsyncCallGivesTheSameAnswer() async throws {
        let server = try OneAnswerServer { request in
            #"{"id":\#(Self.id(of: request)),"ok":true,"version":"0.1.0","role":"back-office","merchants":[]}"#
        }
        let status = try await LoyalgateClient(socket: server.path).call(CoreOp.CoreStatus.self)
        #expect(status.role == .backOffice && status.version == "0.1.0")
    }

    @Test func nobodyListeningIsAClearError() {
        #expect(throws: UnixLineClient.ClientError.self) { try LoyalgateClient(socket: "/tmp/no-such-loyalgate.sock") }
    }
}
