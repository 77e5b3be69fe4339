import Foundation

/// Where a client finds the core (or gateway): a Unix socket path as before, or
/// `tls://HOST:PORT` with the caller's certificate, key and the chain's CA.
public enum CoreEndpoint: Sendable, Equatable, CustomStringConvertible {
    case unix(path: String)
    case tls(host: String, port: Int, identity: TLSIdentity)

    /// The files a remote caller presents and trusts (what `loyalgate ca issue` wrote in
    /// issued/NAME/: cert.pem, key.pem and ca.pem).
    public struct TLSIdentity: Sendable, Equatable {
        public var certificate: String
        public var key: String
        public var authority: String

        public init(certificate: String, key: String, authority: String) {
            self.certificate = certificate
            self.key = key
            self.authority = authority
        }

        /// The three files in one folder, as `ca issue` lays them out.
        public init(folder: String) {
            self.init(certificate: folder + "/cert.pem", key: folder + "/key.pem", authority: folder + "/ca.pem")
        }
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    /// `tls://HOST:PORT` (IPv6 as `tls://[::1]:PORT`) needs `identity`; anything else is a
    /// Unix socket path.
    public static func parse(_ text: String, identity: TLSIdentity?) throws -> CoreEndpoint {
        guard text.hasPrefix("tls://") else { return .unix(path: text) }
        let rest = text.dropFirst("tls://".count)
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]),
            (1...65_535).contains(port)
        else {
            throw Invalid(description: "\(text) is not tls://HOST:PORT.")
        }
        var host = String(rest[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw Invalid(description: "\(text) names no host.") }
        guard let identity else {
            throw Invalid(
                description:
                    "\(text) needs the caller's certificate: --tls-dir FOLDER (from `loyalgate ca issue`) or --cert, --key and --ca."
            )
        }
        return .tls(host: host, port: port, identity: identity)
    }

    public var description: String {
        switch self {
        case .unix(let path): return path
        case .tls(let host, let port, _):
            return host.contains(":") ? "tls://[\(host)]:\(port)" : "tls://\(host):\(port)"
        }
    }
}

/// A blocking connection carrying JSON Lines: a Unix socket (`UnixLineClient`) or mutual TLS
/// over TCP (`TLSLineClient`). `LoyalgateClient` speaks the contract over either.
public protocol LineTransport: AnyObject, Sendable {
    func send(_ bytes: [UInt8]) throws
    /// The next line, without its newline; nil when the server closed the connection.
    func readLine() throws -> String?
    /// Waits at most `milliseconds` for data; false on timeout.
    func waitReadable(milliseconds: Int32) -> Bool
    /// True when the server has closed the connection and nothing it sent is left unread.
    var closedByServer: Bool { get }
}

extension LineTransport {
    /// Sends one request line and waits for the next line.
    public func request(_ line: String) throws -> String {
        try send(Array((line + "\n").utf8))
        guard let answer = try readLine() else { throw UnixLineClient.ClientError.closed }
        return answer
    }
}

extension CoreEndpoint {
    /// Opens a connection to the endpoint; over TLS the TCP connection and the handshake each
    /// get at most `timeout` (the shop's relay gives up sooner than 10 s on a cut link).
    public func connect(timeout: Duration = .seconds(10)) throws -> any LineTransport {
        switch self {
        case .unix(let path): return try UnixLineClient(path: path)
        case .tls(let host, let port, let identity):
            return try TLSLineClient(host: host, port: port, identity: identity, timeout: timeout)
        }
    }
}
