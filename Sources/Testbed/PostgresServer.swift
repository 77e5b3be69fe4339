import Foundation
import Glibc

/// A real PostgreSQL server (Debian's `postgresql`, version 15) of the tests' own: initdb in a
/// temporary folder, its own free port on 127.0.0.1, stopped at the end of the test process.
///
/// PostgreSQL refuses to run as root, and the tests run as root in CI: there the server runs as
/// the `postgres` user Debian's package creates (or `nobody`) through `runuser`, in a folder it
/// owns; a non-root tester runs it directly. One server serves every test of a process; each
/// test takes a database of its own (`database()`).
public final class PostgresServer: @unchecked Sendable {
    public static let binaries = "/usr/lib/postgresql/15/bin"

    /// Why the PostgreSQL tests cannot run here, or nil when they can.
    public static var unavailable: String? {
        FileManager.default.isExecutableFile(atPath: binaries + "/initdb")
            ? nil
            : "PostgreSQL 15 is not installed (\(binaries)/initdb): run scripts/install-deps to run the PostgreSQL tests"
    }

    /// The server every test of this process shares, started on first use.
    public static func shared() throws -> PostgresServer {
        try lock.withLock {
            if let running { return try running.get() }
            let started = Result { try PostgresServer() }
            // A server that did not start is not tried again by every test: each fails with why.
            running = started
            atexit { PostgresServer.stopShared() }
            return try started.get()
        }
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var running: Result<PostgresServer, any Error>?

    private static func stopShared() {
        lock.withLock { try? running?.get().stop() }
    }

    public let folder: URL
    public let port: Int
    /// The superuser the harness creates databases with (trust authentication on 127.0.0.1).
    public let superuser = "postgres"
    private let runAs: String?
    private var server: ChildProcess!
    private var counter = 0
    private let counterLock = NSLock()

    init() throws {
        if let reason = Self.unavailable { throw ChildProcess.Failure(reason) }
        folder = URL(fileURLWithPath: "/tmp").appendingPathComponent("lg-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if getuid() == 0 {
            runAs = getpwnam("postgres") != nil ? "postgres" : "nobody"
            _ = try ChildProcess.run("/bin/chown", [runAs!, folder.path], within: .seconds(30))
        } else {
            runAs = nil
        }
        port = Self.freePort()
        let data = folder.appendingPathComponent("data").path
        let initdb = try run(
            "initdb", ["-D", data, "-U", superuser, "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"])
        guard initdb.status == 0 else { throw ChildProcess.Failure("initdb failed: \(initdb.stderr)") }
        // `postgres` itself, not `pg_ctl start`: a daemon that pg_ctl leaves behind inherits
        // what Foundation watches to tell that a child has ended, so pg_ctl would never seem
        // to end. fsync off: the tests' server is thrown away and the machine is shared; the
        // store's own durability (synchronous_commit on every connection) is checked on its
        // settings.
        let arguments = [
            "-D", data, "-p", "\(port)", "-k", folder.path, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
            "-c", "max_connections=300",
        ]
        let path = Self.binaries + "/postgres"
        server = try ChildProcess(
            runAs == nil ? path : "/usr/sbin/runuser",
            runAs == nil ? arguments : ["-u", runAs!, "--", path] + arguments,
            stdoutPath: folder.appendingPathComponent("server.out").path,
            stderrPath: folder.appendingPathComponent("server.log").path)
        try server.start()
        try server.waitForSocket(folder.appendingPathComponent(".s.PGSQL.\(port)").path, within: .seconds(60))
    }

    /// A new empty database owned by a new login role (not a superuser, so grants and
    /// triggers apply to it as to a chain's owner role); its connection string.
    public func database() throws -> (url: String, name: String, owner: String) {
        let n = counterLock.withLock {
            counter += 1
            return counter
        }
        let name = "lg\(getpid())_\(n)"
        let owner = name + "_owner"
        _ = try sql("CREATE ROLE \(owner) LOGIN CREATEROLE")
        _ = try sql("CREATE DATABASE \(name) OWNER \(owner)")
        return ("postgres://\(owner)@127.0.0.1:\(port)/\(name)", name, owner)
    }

    /// Runs SQL as the superuser with psql; its output (unaligned, tuples only).
    @discardableResult
    public func sql(_ statement: String, database: String = "postgres", user: String? = nil) throws -> String {
        let output = try ChildProcess.run(
            "/usr/bin/psql",
            [
                "-h", "127.0.0.1", "-p", "\(port)", "-U", user ?? superuser, "-d", database, "-v", "ON_ERROR_STOP=1",
                "-At", "-c", statement,
            ], within: .seconds(120))
        guard output.status == 0 else {
            throw ChildProcess.Failure("psql: \(statement): \(output.stderr)")
        }
        return output.stdout
    }

    public func stop() {
        _ = try? run("pg_ctl", ["-D", folder.appendingPathComponent("data").path, "-m", "immediate", "-w", "stop"])
        server.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    private func run(_ tool: String, _ arguments: [String]) throws -> ChildProcess.Output {
        let path = Self.binaries + "/" + tool
        if let runAs {
            return try ChildProcess.run(
                "/usr/sbin/runuser", ["-u", runAs, "--", path] + arguments, within: .seconds(120))
        }
        return try ChildProcess.run(path, arguments, within: .seconds(120))
    }

    /// A port nobody listens on now (the kernel's choice for port 0).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
