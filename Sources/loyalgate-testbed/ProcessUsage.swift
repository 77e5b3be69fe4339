import Foundation

/// What a benchmarked child process used, read from /proc: its peak resident memory and the CPU
/// time it has spent. CPU time per operation drifts much less with machine load than wall-clock
/// rates do (the figures in docs/benchmarks.md say which they are).
struct ProcessUsage {
    /// `VmHWM` of /proc/PID/status: the most resident memory the process has held, in kB.
    var peakResidentKB: Int
    /// utime + stime of /proc/PID/stat, in seconds.
    var cpuSeconds: Double

    init?(pid: Int32) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        // The command name (field 2) is in parentheses and may hold spaces: fields are counted
        // after its closing parenthesis, where field 3 (the state) comes first.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        peakResidentKB = kilobytes
        cpuSeconds = (user + system) / ticks
    }

    var peakResidentMB: Double { Double(peakResidentKB) / 1024 }
}
