import Foundation

/// A private CUPS scheduler for one test: its own cupsd in a temporary folder, listening on a
/// Unix socket, with queues whose "printer" is a `PrinterCatcher` in the test.
///
/// Shared by the card and receipt tests: point libcups at it with `environment` (CUPS_SERVER).
/// Works unprivileged and as root (CI): as root, cupsd runs backends as `lp` and gives the spool
/// folder to group `lp` itself, so nothing here needs to be owned by `lp`.
final class CupsHarness {
    let root: String
    let socket: String
    private var process: Process?

    /// CUPS_SERVER for the `loyalgate` binary and for `lpadmin`/`lpstat`.
    var environment: [String: String] { ["CUPS_SERVER": socket] }

    init() throws {
        root = Loyalgate.temporaryDirectory()
        socket = root + "/cups.sock"
        for folder in ["spool", "cache", "state", "tmp", "log", "ppd"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        // ErrorPolicy abort-job: a failed backend ends the job (which loyalgate retries) instead
        // of stopping the queue for a person to restart, so failures stay inside one test.
        try """
            Listen \(socket)
            LogLevel info
            WebInterface No
            Browsing No
            DefaultAuthType None
            ErrorPolicy abort-job
            MaxJobs 0
            PreserveJobHistory Yes
            <Location />
              Order allow,deny
              Allow all
            </Location>
            <Policy default>
              <Limit All>
                Order deny,allow
              </Limit>
            </Policy>

            """.write(toFile: root + "/cupsd.conf", atomically: true, encoding: .utf8)
        try """
            ServerRoot \(root)
            RequestRoot \(root)/spool
            CacheDir \(root)/cache
            StateDir \(root)/state
            TempDir \(root)/tmp
            ErrorLog \(root)/log/error_log
            AccessLog \(root)/log/access_log
            PageLog \(root)/log/page_log
            ServerBin /usr/lib/cups
            DataDir /usr/share/cups

            """.write(toFile: root + "/cups-files.conf", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/cupsd")
        process.arguments = ["-f", "-c", root + "/cupsd.conf", "-s", root + "/cups-files.conf"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<500 {
            if (try? lp("lpstat", ["-r"]))?.contains("is running") == true { return }
            usleep(10_000)
        }
        throw CoreProcess.SetupError("cupsd did not start; see \(root)/log/error_log")
    }

    /// A raw queue (the job's bytes go to the device unchanged, as a driver queue's output would)
    /// whose device is the catcher's TCP port.
    func addQueue(_ name: String, catcher: PrinterCatcher) throws {
        // No "?snmp=false": CUPS 2.4's lpadmin refuses it as a bad device-uri.
        _ = try lp("lpadmin", ["-p", name, "-v", "socket://127.0.0.1:\(catcher.port)", "-m", "raw", "-E"])
    }

    /// Runs a CUPS client tool against this scheduler and returns its output.
    @discardableResult
    func lp(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: (tool == "lpadmin" ? "/usr/sbin/" : "/usr/bin/") + tool)
        process.arguments = ["-h", socket] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CoreProcess.SetupError("\(tool) \(arguments): \(text)") }
        return text
    }

    deinit {
        // SIGKILL, not SIGTERM: a child of the test process inherits its blocked signal mask,
        // so cupsd never sees SIGTERM and waitUntilExit would wait forever. Its state is a
        // temporary folder; nothing is lost.
        if let process { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: root)
    }
}
