import ArgumentParser
import ChainCA
import Foundation
import LoyalgateClient
import SocketServer

/// The core's TLS listener: `--listen-tls HOST:PORT` beside its Unix socket, with the server
/// folder `loyalgate ca issue --server` wrote (cert.pem, key.pem, ca.pem) or the files one by
/// one, and the chain's revocation list (docs/security.md, "Network callers and the chain's CA").
struct TLSServerOptions: ParsableArguments {
    @Option(help: "Also serve core ops over TCP with mutual TLS on HOST:PORT (e.g. 0.0.0.0:7443; port 0: any).")
    var listenTLS: String?

    @Option(help: "The core's folder from `loyalgate ca issue --server` (cert.pem, key.pem, ca.pem, revoked.json).")
    var tlsDir: String?
    @Option(help: "The core's certificate (default TLS-DIR/cert.pem).") var tlsCert: String?
    @Option(help: "The core's private key (default TLS-DIR/key.pem).") var tlsKey: String?
    @Option(help: "The chain's CA certificate (default TLS-DIR/ca.pem).") var tlsCA: String?
    @Option(
        help:
            "The chain's revocation list, re-read when it changes (default TLS-DIR/revoked.json if present; copy the CA's revoked.json there)."
    )
    var tlsRevoked: String?

    func validate() throws {
        guard let listenTLS else {
            if tlsDir != nil || tlsCert != nil || tlsKey != nil || tlsCA != nil || tlsRevoked != nil {
                throw ValidationError("The --tls-* options need --listen-tls HOST:PORT.")
            }
            return
        }
        _ = try Self.hostAndPort(listenTLS)
        guard tlsDir != nil || (tlsCert != nil && tlsKey != nil && tlsCA != nil) else {
            throw ValidationError("--listen-tls needs --tls-dir DIR (or --tls-cert, --tls-key and --tls-ca).")
        }
    }

    static func hostAndPort(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65_535).contains(port)
        else {
            throw ValidationError("--listen-tls \(text) is not HOST:PORT (e.g. 0.0.0.0:7443 or [::]:7443).")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    /// The listener, or nil when the core serves its Unix socket only.
    func listener() throws -> TLSListener? {
        guard let listenTLS else { return nil }
        let (host, port) = try Self.hostAndPort(listenTLS)
        let folder = tlsDir ?? "."
        var revoked = tlsRevoked
        if revoked == nil, let tlsDir, FileManager.default.fileExists(atPath: tlsDir + "/revoked.json") {
            revoked = tlsDir + "/revoked.json"
        }
        do {
            return try TLSListener(
                host: host, port: port, certificate: tlsCert ?? folder + "/cert.pem",
                key: tlsKey ?? folder + "/key.pem",
                authority: tlsCA ?? folder + "/ca.pem", revoked: revoked)
        } catch {
            throw ValidationError("The TLS listener cannot start: \(error)")
        }
    }
}

/// How a client reaches a remote core: `--core tls://HOST:PORT` with the caller's folder from
/// `loyalgate ca issue` (`--tls-dir`) or its files one by one.
struct TLSClientOptions: ParsableArguments {
    @Option(help: "For tls:// cores: the caller's folder from `loyalgate ca issue` (cert.pem, key.pem, ca.pem).")
    var tlsDir: String?
    @Option(help: "For tls:// cores: the caller's certificate (default TLS-DIR/cert.pem).") var cert: String?
    @Option(help: "For tls:// cores: the caller's private key (default TLS-DIR/key.pem).") var key: String?
    @Option(help: "For tls:// cores: the chain's CA certificate (default TLS-DIR/ca.pem).") var ca: String?

    var identity: CoreEndpoint.TLSIdentity? {
        guard tlsDir != nil || (cert != nil && key != nil && ca != nil) else { return nil }
        let folder = tlsDir ?? "."
        return CoreEndpoint.TLSIdentity(
            certificate: cert ?? folder + "/cert.pem", key: key ?? folder + "/key.pem",
            authority: ca ?? folder + "/ca.pem")
    }

    func endpoint(_ text: String) throws -> CoreEndpoint {
        do { return try CoreEndpoint.parse(text, identity: identity) } catch {
            throw ValidationError("\(error)")
        }
    }
}
