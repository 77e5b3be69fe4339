import Foundation

/// A blocking JSON Lines connection over a Unix socket: lines out, lines in, no meaning attached.
/// `LoyalgateClient` speaks the contract over it; tests use it bare to send what a broken or
/// hostile till would (garbage, a line without its newline, a line over the limit).
/// Unchecked Sendable: a client may be handed to another thread, but is used by one thread at
/// a time, like the socket under it.
public final class UnixLineClient: LineTransport, @unchecked Sendable {
    private let fd: Int32
    private var pending = [UInt8]()

    public enum ClientError: Error, CustomStringConvertible {
        case cannotConnect(String, Int32)
        case closed
        case pathTooLong(String)
        case timedOut(String, Int32)
        /// A line that is not an answer to the request just sent (another request's, or not an
        /// answer at all): the stream is out of step and the connection of no further use.
        case outOfStep(String, String)
        /// A TLS connection that could not be made or that the server refused (its reason).
        case tlsFailed(String, String)

        public var description: String {
            switch self {
            case .cannotConnect(let path, let code):
                return "Cannot connect to \(path): \(String(cString: strerror(code)))."
            case .closed: return "The server closed the connection."
            case .pathTooLong(let path): return "The socket path \(path) is too long."
            case .timedOut(let path, let milliseconds): return "\(path) did not answer within \(milliseconds) ms."
            case .outOfStep(let path, let what): return "\(path) is out of step: \(what)"
            case .tlsFailed(let endpoint, let why): return "Cannot talk to \(endpoint) over TLS: \(why)."
            }
        }
    }

    public init(path: String) throws {
        // The descriptor is stored only once connected: a class whose init throws after its
        // properties are set still runs deinit, which would close it a second time (and with
        // it, whatever another thread had opened under the same number in between).
        fd = try Self.connect(path: path)
    }

    private static func connect(path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw ClientError.pathTooLong(path)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw ClientError.cannotConnect(path, code)
        }
        return fd
    }

    deinit { close(fd) }

    /// Sends bytes as they are: a test may send garbage or a line without its newline.
    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { throw ClientError.closed }
            offset += written
        }
    }

    public func send(line: String) throws { try send(Array((line + "\n").utf8)) }

    /// Shuts down the sending side (shutdown(SHUT_WR)), as `socat` does at the end of its input:
    /// the server still answers every line sent before, then closes.
    public func finishSending() {
        shutdown(fd, Int32(SHUT_WR))
    }

    /// The next line, without its newline; nil when the server closed the connection.
    public func readLine() throws -> String? {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { return nil }
            pending += buffer[..<count]
        }
    }

    /// Sends one request and waits for the next line.
    public func request(_ line: String) throws -> String {
        try send(line: line)
        guard let answer = try readLine() else { throw ClientError.closed }
        return answer
    }

    /// True when the server has closed the connection and nothing it sent is left unread: the
    /// servers close a connection idle for their timeout, and a client that notices before it
    /// sends can open a new one without any doubt about whether a request was received.
    public var closedByServer: Bool {
        guard pending.isEmpty else { return false }
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, 0) > 0 else { return false }
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) == 0
    }

    /// Waits at most `milliseconds` for data; false on timeout.
    public func waitReadable(milliseconds: Int32) -> Bool {
        if pending.contains(UInt8(ascii: "\n")) { return true }
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, milliseconds) > 0
    }
}
