import Foundation
import Testbed

/// A private CUPS scheduler for one test: its own cupsd in a temporary folder, listening on a
/// Unix socket, with queues whose "printer" is a `PrinterCatcher` in the test.
///
/// Shared by the card and receipt tests: point libcups at it with `environment` (CUPS_SERVER).
/// Works unprivileged and as root (CI): as root, cupsd runs backends as `lp` and gives the spool
/// folder to group `lp` itself, so nothing here needs to be owned by `lp`.
final class CupsHarness {
    let root: String
    let socket: String
    private var process: ChildProcess?

    /// CUPS_SERVER for the `loyalgate` binary and for `lpadmin`/`lpstat`.
    var environment: [String: String] { ["CUPS_SERVER": socket] }

    init() throws {
        root = Loyalgate.temporaryDirectory()
        socket = root + "/cups.sock"
        // Modes given, not left to the umask: cupsd runs its filters and backends as another
        // user, who must be able to enter these folders whatever umask the test process has.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root)
        for folder in ["spool", "cache", "state", "tmp", "log", "ppd", "bin", "bin/backend"] {
            try FileManager.default.createDirectory(
                atPath: root + "/" + folder, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o755])
        }
        try Self.installServerBin(root + "/bin")
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
        Printcap \(root)/printcap
        AccessLog \(root)/log/access_log
        PageLog \(root)/log/page_log
        ServerBin \(root)/bin
        DataDir /usr/share/cups

        """.write(toFile: root + "/cups-files.conf", atomically: true, encoding: .utf8)
        // Started through python3 to unblock every signal first: a child of the test process
        // inherits its blocked mask (dispatch workers block SIGTERM), and cupsd stops a cancelled
        // job's backend with SIGTERM. With it blocked, a backend retrying an unreachable printer
        // never ends and the cancelled job never finishes.
        let process = try ChildProcess(
            "/usr/bin/python3",
            [
                "-c",
                "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, set()); os.execv(sys.argv[1], sys.argv[1:])",
                "/usr/sbin/cupsd", "-f", "-c", root + "/cupsd.conf", "-s", root + "/cups-files.conf",
            ])
        try process.start()
        self.process = process
        for _ in 0..<500 {
            if (try? lp("lpstat", ["-r"]))?.contains("is running") == true { return }
            usleep(10_000)
        }
        throw CoreProcess.SetupError("cupsd did not start; see \(root)/log/error_log")
    }

    /// A raw queue (the job's bytes go to the device unchanged, as a driver queue's output would)
    /// whose device is the catcher's TCP port.
    func addQueue(_ name: String, catcher: PrinterCatcher, plainSocket: Bool = false) throws {
        // snmp=false: the socket backend would otherwise query 127.0.0.1 for supply levels.
        // A plain socket:// queue (CUPS 2.4's lpadmin refuses ?snmp=false on it) fails a job when
        // the printer resets the connection, which the receipt tests use.
        let uri =
            plainSocket ? "socket://127.0.0.1:\(catcher.port)" : "testsocket://127.0.0.1:\(catcher.port)/?snmp=false"
        _ = try lp("lpadmin", ["-p", name, "-v", uri, "-m", "raw", "-E"])
    }

    /// Makes the backend fail these CUPS job ids, as a card printer that jams or runs out of
    /// ribbon makes its driver's backend fail; with `ErrorPolicy abort-job` the job ends aborted.
    func failJobs(_ ids: Set<Int>) throws {
        try ids.map(String.init).joined(separator: "\n").appending("\n").write(
            toFile: root + "/fail-jobs", atomically: true, encoding: .utf8)
    }

    /// cupsd runs backends from ServerBin: the real ones, plus `testsocket`, which is the socket
    /// backend unless `failJobs` lists the job. (The socket backend alone cannot fail on cue: a
    /// printer that resets the connection still looks like a completed job to it.)
    private static func installServerBin(_ bin: String) throws {
        let system = "/usr/lib/cups"
        for entry in try FileManager.default.contentsOfDirectory(atPath: system) where entry != "backend" {
            try FileManager.default.createSymbolicLink(
                atPath: bin + "/" + entry, withDestinationPath: system + "/" + entry)
        }
        try FileManager.default.createSymbolicLink(
            atPath: bin + "/backend/socket", withDestinationPath: system + "/backend/socket")
        let script = bin + "/backend/testsocket"
        try #"""
        #!/bin/sh
        # A test printer backend: fails the jobs listed in ../../fail-jobs, else is the socket backend.
        [ $# -eq 0 ] && { echo 'network testsocket "Unknown" "loyalgate test printer"'; exit 0; }
        here=$(dirname "$0")
        if grep -qx "$1" "$here/../../fail-jobs" 2>/dev/null; then
          echo "ERROR: the test printer failed job $1 on purpose" >&2
          exit 1
        fi
        DEVICE_URI="socket://${DEVICE_URI#testsocket://}" exec "$here/socket" "$@"

        """#.write(toFile: script, atomically: true, encoding: .utf8)
        // cupsd refuses backends that others may write to.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
    }

    /// Runs a CUPS client tool against this scheduler and returns its output.
    @discardableResult
    func lp(_ tool: String, _ arguments: [String]) throws -> String {
        let path =
            FileManager.default.fileExists(atPath: "/usr/sbin/" + tool) ? "/usr/sbin/" + tool : "/usr/bin/" + tool
        let result = try ChildProcess.run(path, ["-h", socket] + arguments)
        guard result.status == 0 else {
            throw CoreProcess.SetupError("\(tool) \(arguments): \(result.stdout)\(result.stderr)")
        }
        return result.stdout + result.stderr
    }

    deinit {
        // SIGKILL: its state is thrown away with the folder anyway, and nothing is gained by
        // waiting for a graceful stop.
        process?.kill()
        try? FileManager.default.removeItem(atPath: root)
    }
}
