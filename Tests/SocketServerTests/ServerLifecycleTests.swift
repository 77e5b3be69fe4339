import Foundation
import Logging
import LoyalgateClient
import NIOConcurrencyHelpers
import SocketServer
import Testing

/// The server's start and stop as a service manager drives them: SIGTERM may come at any
/// moment, also while the socket is being bound or while a till is connecting.
///
/// The server under test runs its tasks on `ServerThread`, not on the test process's
/// cooperative threads: in a full parallel suite, other tests' blocking waits (child processes,
/// CUPS jobs) can hold every cooperative thread for minutes, and a server waiting its turn there
/// would fail these tests' deadlines without anything being wrong with it. In the core, the
/// server has its process's threads to itself.
@Suite struct ServerLifecycleTests {
    /// One serial queue for the servers' tasks (the server and every connection's child task
    /// inherit the preference); the tests' own bodies, which block on client sockets, stay off it.
    static let serverThread = ServerThread()
    let folder: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lg-server-\(UUID().uuidString.prefix(8))"
        ).path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    func echoServer(_ path: String) -> JSONLineServer {
        JSONLineServer(path: path, logger: Logger(label: "test")) { line, _ in
            Data("echo ".utf8) + line + Data("\n".utf8)
        }
    }

    /// Runs the server until it returns by itself; fails the test if that takes over 20 s.
    func runToEnd(_ server: JSONLineServer) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask(executorPreference: Self.serverThread) {
                try await server.run()
                return true
            }
            group.addTask {
                try await Task.sleep(for: .seconds(20))
                return false
            }
            let ended = try await group.next()!
            group.cancelAll()
            #expect(ended, "the server did not stop")
            if !ended { server.stop() }
        }
    }

    @Test func aStopBeforeTheSocketIsBoundStillStopsTheServer() async throws {
        let path = folder + "/early.sock"
        let server = echoServer(path)
        // A SIGTERM handled before the bind finished used to be forgotten: the core then served on.
        server.stop()
        try await runToEnd(server)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func tillsConnectingWhileTheServerStopsDoNotBringItDown() async throws {
        for round in 0..<20 {
            let path = folder + "/busy\(round).sock"
            let server = echoServer(path)
            let running = Task(executorPreference: Self.serverThread) { try await server.run() }
            while !FileManager.default.fileExists(atPath: path) { try await Task.sleep(for: .milliseconds(1)) }
            // Clients keep connecting and leaving while the server is told to stop: a connection
            // accepted as the listener closes must be closed, not trap the process.
            let clients = Task.detached {
                for _ in 0..<200 {
                    guard (try? UnixLineClient(path: path)) != nil else { return }
                }
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...5)))
            server.stop()
            try await running.value
            await clients.value
        }
    }

    @Test func everyLineOfAClientThatHalfClosesAtOnceIsAnswered() async throws {
        let path = folder + "/half.sock"
        let server = echoServer(path)
        let running = Task(executorPreference: Self.serverThread) { try await server.run() }
        defer { server.stop() }
        while (try? UnixLineClient(path: path)) == nil { try await Task.sleep(for: .milliseconds(1)) }
        for attempt in 0..<50 {
            let client = try UnixLineClient(path: path)
            // Written and shut before the server's task has even picked the connection up.
            try client.send(Array("a\(attempt)\nb\(attempt)\n".utf8))
            client.finishSending()
            var answers: [String] = []
            while let line = try client.readLine() { answers.append(line) }
            #expect(answers == ["echo a\(attempt)", "echo b\(attempt)"], "attempt \(attempt)")
        }
        server.stop()
        try await running.value
    }

    @Test func bindingLeavesOtherFilesModesAloneAndTheSocketAt0660() async throws {
        // What the process's umask gives a new file, seen before any server binds.
        let reference = folder + "/reference"
        FileManager.default.createFile(atPath: reference, contents: Data())
        let expected = try Self.mode(reference)
        // Files written by other threads while sockets are being bound keep that mode: binding
        // once changed the umask for the whole process for an instant.
        let writer = Task.detached { () -> [Int] in
            (0..<400).compactMap { index in
                let path = folder + "/written-\(index)"
                FileManager.default.createFile(atPath: path, contents: Data())
                return try? Self.mode(path)
            }
        }
        for round in 0..<20 {
            let path = folder + "/bind\(round).sock"
            let server = echoServer(path)
            let running = Task(executorPreference: Self.serverThread) { try await server.run() }
            while (try? UnixLineClient(path: path)) == nil { try await Task.sleep(for: .milliseconds(1)) }
            #expect(try Self.mode(path) == 0o660)
            server.stop()
            try await running.value
        }
        let modes = await writer.value
        #expect(modes.count == 400 && modes.allSatisfy { $0 == expected }, "\(Set(modes)) instead of \(expected)")
        // Nothing is left beside the sockets (they were bound in a private folder first).
        let left = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func aRequestFromAClientThatClosesAtOnceIsStillHandled() async throws {
        // A till whose connection breaks right after sending cannot know whether the core
        // recorded the sale; its retry finds out. The request must be handled, not dropped
        // because the connection was gone before a task picked it up.
        let path = folder + "/gone.sock"
        let handled = NIOLockedValueBox<[String]>([])
        let server = JSONLineServer(path: path, logger: Logger(label: "test")) { line, _ in
            handled.withLockedValue { $0.append(String(decoding: line, as: UTF8.self)) }
            return Data("ok\n".utf8)
        }
        let running = Task(executorPreference: Self.serverThread) { try await server.run() }
        while (try? UnixLineClient(path: path)) == nil { try await Task.sleep(for: .milliseconds(1)) }
        for attempt in 0..<50 {
            // Sent, then the client is released and its socket closed without reading the answer.
            try UnixLineClient(path: path).send(line: "sale \(attempt)")
        }
        // The server answers on its own thread; this loop, on the cooperative pool, may itself
        // wake late under a full suite, which only finds the server done sooner.
        let deadline = ContinuousClock.now + .seconds(60)
        while handled.withLockedValue({ $0.count }) < 50 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(Set(handled.withLockedValue { $0 }) == Set((0..<50).map { "sale \($0)" }))
        server.stop()
        try await running.value
    }

    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int ?? -1) & 0o777
    }
}

/// A `TaskExecutor` on a dispatch queue of its own: tasks that prefer it run there, outside Swift's
/// cooperative pool (see `ServerLifecycleTests`).
final class ServerThread: TaskExecutor {
    private let queue = DispatchQueue(label: "loyalgate.test.server")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
