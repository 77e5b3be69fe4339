import CCups

/// Which CUPS scheduler to talk to: the machine's own unless a test or a site says otherwise.
public struct PrintServer: Sendable, Equatable, CustomStringConvertible {
    /// A host name, an address, or the path of cupsd's Unix socket.
    public var host: String
    public var port: Int

    public init(host: String, port: Int = 631) {
        self.host = host
        self.port = port
    }

    /// What `lp` would use: `CUPS_SERVER` (host, host:port or socket path), then client.conf,
    /// then the local scheduler.
    public static var standard: PrintServer {
        // cupsServer() has already split a "host:port" CUPS_SERVER; the port is in ippPort().
        PrintServer(host: String(cString: cupsServer()), port: Int(ippPort()))
    }

    public var description: String { host.hasPrefix("/") ? host : "\(host):\(port)" }
}
