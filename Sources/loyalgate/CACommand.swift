import ArgumentParser
import ChainCA
import Foundation
import LoyalgateProtocol

/// `loyalgate ca`: a chain's own small certificate authority in a folder (docs/security.md,
/// "Network callers and the chain's CA"). Run it on the head office's machine, not on a core.
struct CACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca",
        abstract: "The chain's own certificate authority: certificates for cores and remote callers, and revocation.",
        subcommands: [Init.self, Issue.self, Revoke.self, List.self])

    struct Folder: ParsableArguments {
        @Option(help: "The CA's folder (mode 0700; ca.key is its secret).") var dir: String
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a new CA in an empty folder.")
        @OptionGroup var folder: Folder
        @Option(help: "The chain's name, written into every certificate.") var name: String
        @Option(help: "Days the CA certificate is valid.") var days: Int = 3650

        func run() throws {
            let authority = try refusing { try ChainAuthority.initialize(folder: folder.dir, name: name, days: days) }
            print(
                "CA \"\(name)\" made in \(authority.folder): give \(authority.folder)/ca.pem to every core and caller;")
            print("keep \(authority.folder)/ca.key secret (it signs every certificate).")
        }
    }

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a key and certificate into DIR/issued/NAME/ (cert.pem, key.pem, ca.pem).")
        @OptionGroup var folder: Folder
        @Option(help: "The caller's name (shop-12-till-1), or the core's (core-sofia-1) with --server.") var name:
            String
        @Option(help: "The caller's role: till or back-office.") var role: String = "till"
        @Option(help: "The merchant the caller acts for; a till bound to one cannot act for another.") var merchant:
            String?
        @Flag(help: "A core's server certificate (with --host) instead of a caller's.") var server = false
        @Option(help: "With --server: a host name or IP address the core is reached at (repeat for several).")
        var host: [String] = []
        @Option(help: "Days the certificate is valid.") var days: Int = 365
        @Option(
            help: ArgumentHelp(
                "The end of validity as an ISO 8601 date (2026-01-31T00:00:00Z) instead of --days; for tests of expiry.",
                visibility: .hidden))
        var notAfter: String?

        func validate() throws {
            guard Role(rawValue: role) != nil else { throw ValidationError("--role must be till or back-office.") }
            if server && host.isEmpty { throw ValidationError("--server needs --host NAME or --host ADDRESS.") }
            if !server && !host.isEmpty { throw ValidationError("--host is for a core's certificate: add --server.") }
            guard days > 0 else { throw ValidationError("--days must be at least 1.") }
        }

        func run() throws {
            let authority = try refusing { try ChainAuthority(folder: folder.dir) }
            var end = Date().addingTimeInterval(Double(days) * 86_400)
            var start: Date?
            if let notAfter {
                guard let date = ISO8601DateFormatter().date(from: notAfter) else {
                    throw ValidationError("--not-after \(notAfter) is not an ISO 8601 date and time.")
                }
                end = date
                // A certificate that ended in the past began before its end.
                start = min(Date(), date).addingTimeInterval(-86_400)
            }
            let (out, issued) = try refusing {
                try authority.issue(
                    name: name, role: server ? nil : Role(rawValue: role), merchant: server ? nil : merchant,
                    hosts: server ? host : [], notBefore: start, notAfter: end)
            }
            print(
                "issued \(issued.role) certificate \(issued.serial) for \(issued.name)\(issued.merchant.map { " (merchant \($0))" } ?? "")\(issued.hosts.map { " (\($0.joined(separator: ", ")))" } ?? ""), valid until \(ChainFiles.day(issued.notAfter))"
            )
            print(
                "in \(out): copy that folder to the \(server ? "core (--tls-dir)" : "caller (--tls-dir)"); key.pem is its secret"
            )
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a certificate by serial or name; copy DIR/revoked.json to every core.")
        @OptionGroup var folder: Folder
        @Argument(help: "The certificate's serial (from `ca list`) or name.") var certificate: String

        func run() throws {
            let authority = try refusing { try ChainAuthority(folder: folder.dir) }
            for issued in try refusing({ try authority.revoke(certificate) }) {
                print("revoked \(issued.serial) (\(issued.name))")
            }
            print(
                "cores refuse it from their next connection once \(folder.dir)/revoked.json is copied to them (--tls-revoked)"
            )
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every certificate the CA issued, and its state.")
        @OptionGroup var folder: Folder

        func run() throws {
            let authority = try refusing { try ChainAuthority(folder: folder.dir) }
            let now = Date()
            for (issued, revoked) in try refusing({ try authority.list() }) {
                let state =
                    revoked.map { "revoked \(ChainFiles.day($0.revokedAt))" }
                    ?? (issued.notAfter < now ? "expired" : "valid")
                let scope = issued.merchant ?? issued.hosts?.joined(separator: ",") ?? "-"
                print(
                    "\(issued.serial)  \(issued.name)  \(issued.role)  \(scope)  until \(ChainFiles.day(issued.notAfter))  \(state)"
                )
            }
        }
    }
}

/// The CA's refusals are sentences for the operator, not stack traces.
private func refusing<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let refusal as CertificateRefusal {
        FileHandle.standardError.write(Data("loyalgate ca: \(refusal)\n".utf8))
        throw ExitCode(1)
    }
}
