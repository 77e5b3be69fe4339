import ArgumentParser
import Foundation
import LoyalgateClient
import LoyalgateProtocol

/// The back-office CLI commands are thin clients of the running core: they send the same typed
/// ops a till or back-office program would (through `LoyalgateClient`), so the core's roles and
/// checks apply to them too.
struct CoreSocketOptions: ParsableArguments {
    @Option(
        name: [.customLong("socket"), .customLong("core")],
        help: "The core: its Unix socket, or tls://HOST:PORT for a remote core (with --tls-dir).")
    var socket: String = ".loyalgate/core.sock"
    @Option(help: "The merchant's code; may be left out when the core has one merchant.") var merchant: String?
    @OptionGroup var tls: TLSClientOptions

    func connect() throws -> LoyalgateClient {
        let endpoint = try tls.endpoint(socket)
        do { return try LoyalgateClient(endpoint: endpoint) } catch {
            throw ValidationError(
                "\(error) Is `loyalgate core` running\(endpoint == .unix(path: socket) ? "" : " and listening with --listen-tls")?"
            )
        }
    }

    /// Calls `op`, prints the answer as indented JSON, and fails with the core's own sentence
    /// when it refuses.
    @discardableResult
    func call<Op: WireOperation>(_ op: Op.Type, _ parameters: Op.Parameters) throws -> Op.Answer {
        let answer: Op.Answer
        do {
            answer = try connect().call(op, parameters)
        } catch let error as LoyaltyError {
            FileHandle.standardError.write(Data("\(error.code.rawValue): \(error.message)\n".utf8))
            throw ExitCode(1)
        }
        print(try PrettyJSON.text(answer))
        return answer
    }
}
