import ArgumentParser
import Foundation
import LoyalgateClient

struct Till: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A till simulator: talk to a core or gateway socket as a till would.",
        subcommands: [Send.self, Watch.self])

    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send request lines (arguments, or stdin when none) and print each answer line.")

        @Option(
            name: [.customLong("socket"), .customLong("core")],
            help: "The socket of the core or gateway, or tls://HOST:PORT for a remote core (with --tls-dir).")
        var socket: String = ".loyalgate/core.sock"
        @OptionGroup var tls: TLSClientOptions
        @Argument(help: "JSON request objects, one per argument.") var requests: [String] = []

        func run() throws {
            let client = try tls.endpoint(socket).connect()
            var lines = requests
            if lines.isEmpty {
                while let line = Swift.readLine(), !line.isEmpty { lines.append(line) }
            }
            for line in lines {
                print(try client.request(line))
            }
        }
    }
}
