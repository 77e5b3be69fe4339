import Foundation

/// The "printer" behind a test queue: a TCP listener on 127.0.0.1 that keeps each connection's
/// bytes as one job, as a card printer's network port (or a driver's socket backend) receives them.
final class PrinterCatcher: Sendable {
    let port: Int
    private let listener: Int32
    private let inbox = Inbox()

    /// What the listening thread shares with the test; the thread holds this, not the catcher,
    /// so that the catcher's deinit can stop it.
    final class Inbox: @unchecked Sendable {
        let lock = NSLock()
        var received: [Data] = []
        var accepted = 0
        var delay: TimeInterval = 0
        var refuse: Set<Int> = []
    }

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound, listen(fd, 16) == 0 else { throw CoreProcess.SetupError("cannot listen on 127.0.0.1") }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let inbox = inbox
        Thread.detachNewThread { Self.acceptLoop(fd, inbox) }
    }

    /// Every job received so far, in arrival order.
    var jobs: [Data] { inbox.lock.withLock { inbox.received } }

    /// How long the "printer" takes per job before reading it: a slow card printer.
    var delay: TimeInterval {
        get { inbox.lock.withLock { inbox.delay } }
        set { inbox.lock.withLock { inbox.delay = newValue } }
    }

    /// Connections (1-based) to drop without reading, as a printer that resets mid-job.
    var refuse: Set<Int> {
        get { inbox.lock.withLock { inbox.refuse } }
        set { inbox.lock.withLock { inbox.refuse = newValue } }
    }

    private static func acceptLoop(_ listener: Int32, _ inbox: Inbox) {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            let (delay, refused) = inbox.lock.withLock {
                inbox.accepted += 1
                return (inbox.delay, inbox.refuse.contains(inbox.accepted))
            }
            if refused {
                // SO_LINGER 0: close with a reset, so the backend's write fails.
                var linger = Foundation.linger(l_onoff: 1, l_linger: 0)
                setsockopt(connection, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Foundation.linger>.size))
                close(connection)
                continue
            }
            if delay > 0 { Thread.sleep(forTimeInterval: delay) }
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = read(connection, &buffer, buffer.count)
                if count <= 0 { break }
                data.append(buffer, count: count)
            }
            close(connection)
            inbox.lock.withLock { inbox.received.append(data) }
        }
    }

    /// Waits until `count` jobs have arrived (a safety limit, not a timing assertion).
    func waitForJobs(_ count: Int, seconds: Double = 120) -> Bool {
        waitFor(seconds: seconds) { jobs.count >= count }
    }

    /// Waits until the printer has taken `count` connections: the last one is then a job being
    /// printed (read after `delay`).
    func waitForConnections(_ count: Int, seconds: Double = 120) -> Bool {
        waitFor(seconds: seconds) { inbox.lock.withLock { inbox.accepted } >= count }
    }

    private func waitFor(seconds: Double, _ condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition() { return true }
            usleep(20_000)
        }
        return false
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}
