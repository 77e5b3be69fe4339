import Foundation

/// The one way the test bed and the integration tests start a program: the `loyalgate` core or
/// gateway, a benchmark's peer, a CLI command run to completion. Every wait has a time limit,
/// so a child that hangs fails a test or a benchmark instead of stopping it forever.
///
/// Output goes to files, not pipes: tests run in parallel and start long-lived children (cupsd,
/// the core) that inherit whatever descriptors are open at that moment. An inherited pipe end
/// would keep another test's read waiting for an end-of-file forever. A pipe also fills up and
/// blocks a chatty child nobody reads.
public final class ChildProcess: @unchecked Sendable {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public init(status: Int32, stdout: String, stderr: String) {
            self.status = status
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    public let executable: String
    public let arguments: [String]
    /// Where the child's standard output and error go (files the caller may read while it runs).
    public let stdoutPath: String
    public let stderrPath: String
    private let ownFolder: URL?
    private let process = Process()
    private let lock = NSLock()
    private var started = false

    /// Prepares the child; `start()` runs it. `environment` is added to this process's own.
    /// Without `stdoutPath`/`stderrPath` the output goes to temporary files removed at deinit.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        stdoutPath: String? = nil, stderrPath: String? = nil
    ) throws {
        self.executable = executable
        self.arguments = arguments
        if stdoutPath == nil || stderrPath == nil {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lg-out-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            ownFolder = folder
        } else {
            ownFolder = nil
        }
        self.stdoutPath = stdoutPath ?? ownFolder!.appendingPathComponent("stdout").path
        self.stderrPath = stderrPath ?? ownFolder!.appendingPathComponent("stderr").path
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
    }

    deinit {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            _ = waitForExit(within: .seconds(5))
        }
        if let ownFolder { try? FileManager.default.removeItem(at: ownFolder) }
    }

    public func start() throws {
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Closed here, once, right after the child has its copies: a handle left to its deinit
        // could be closed while another test is starting a child of its own.
        try out.close()
        try err.close()
        lock.withLock { started = true }
    }

    public var processIdentifier: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Waits until `path` accepts a connection (the child is ready), at most `limit`; fails
    /// early when the child exits first.
    public func waitForSocket(_ path: String, within limit: Duration = .seconds(10)) throws {
        try Self.waitForSocket(path, within: limit, while: { self.process.isRunning })
        guard process.isRunning || Self.accepts(path) else {
            throw Failure(
                "\(executable) exited (status \(process.terminationStatus)) before \(path) accepted: \(stderr)")
        }
    }

    /// Waits until `path` accepts a connection, at most `limit`, while `alive` says it still may.
    public static func waitForSocket(
        _ path: String, within limit: Duration = .seconds(10), while alive: () -> Bool = { true }
    ) throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if accepts(path) { return }
            guard alive() else { return }
            usleep(10_000)
        }
        throw Failure("\(path) did not accept a connection within \(limit)")
    }

    /// Whether a Unix socket at `path` accepts a connection now.
    public static func accepts(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }

    /// Waits for the child to end, at most `limit`; true when it has.
    @discardableResult
    public func waitForExit(within limit: Duration) -> Bool {
        guard lock.withLock({ started }) else { return true }
        let deadline = ContinuousClock.now + limit
        while process.isRunning {
            guard ContinuousClock.now < deadline else { return false }
            usleep(5_000)
        }
        process.waitUntilExit()  // returns at once: collects the status
        return true
    }

    /// SIGTERM, then SIGKILL if it has not ended within `grace`; returns the exit status
    /// (-1 when it never started, or SIGKILL's status when it had to be killed).
    @discardableResult
    public func stop(grace: Duration = .seconds(10)) -> Int32 {
        guard lock.withLock({ started }) else { return -1 }
        if process.isRunning { process.terminate() }
        if !waitForExit(within: grace) { kill() }
        return process.terminationStatus
    }

    /// SIGKILL, as a power cut or the OOM killer would.
    public func kill() {
        guard lock.withLock({ started }) else { return }
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        _ = waitForExit(within: .seconds(10))
    }

    /// Runs a program to completion (at most `limit`, then it is killed and this throws) and
    /// returns what it wrote.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        within limit: Duration = .seconds(300)
    ) throws -> Output {
        let child = try ChildProcess(executable, arguments, environment: environment)
        try child.start()
        guard child.waitForExit(within: limit) else {
            child.kill()
            throw Failure("\(executable) \(arguments.joined(separator: " ")) did not finish within \(limit)")
        }
        return Output(status: child.process.terminationStatus, stdout: child.stdout, stderr: child.stderr)
    }
}
