import Foundation

/// What a benchmarked child process used, read from /proc: its peak resident memory and the CPU
/// time it has spent. CPU time per operation drifts much less with machine load than wall-clock
/// rates do (the figures in docs/benchmarks.md say which they are).
struct ProcessUsage {
    /// `VmHWM` of /proc/PID/status: the most resident memory the process has held, in kB.
    var peakResidentKB: Int
    /// `RssAnon` and `RssFile` of /proc/PID/status now, in kB: the process's own memory, and the
    /// pages of the binary and shared libraries it has touched (which the core and the gateway,
    /// one binary, share on a till PC).
    var anonymousKB: Int
    var fileBackedKB: Int
    /// utime + stime of /proc/PID/stat, in seconds.
    var cpuSeconds: Double

    init?(pid: Int32) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let kilobytes = Self.field("VmHWM:", of: status)
        else { return nil }
        // The command name (field 2) is in parentheses and may hold spaces: fields are counted
        // after its closing parenthesis, where field 3 (the state) comes first.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        peakResidentKB = kilobytes
        anonymousKB = Self.field("RssAnon:", of: status) ?? 0
        fileBackedKB = Self.field("RssFile:", of: status) ?? 0
        cpuSeconds = (user + system) / ticks
    }

    var peakResidentMB: Double { Double(peakResidentKB) / 1024 }

    /// "peak resident memory (VmHWM): 88.1 MB (now 40.2 MB its own, 47.9 MB binary and libraries)"
    var memoryLine: String {
        String(
            format: "peak resident memory (VmHWM): %.1f MB (now %.1f MB its own, %.1f MB binary and libraries)",
            peakResidentMB, Double(anonymousKB) / 1024, Double(fileBackedKB) / 1024)
    }

    /// The kB figure of a "Name:   1234 kB" line of /proc/PID/status.
    private static func field(_ name: String, of status: String) -> Int? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name) }) else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }
}
