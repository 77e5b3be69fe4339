import Foundation

/// The shipped `loyalgate` binary, which the demo and the benchmarks run as a child: the test bed
/// drives the real gateway and core, it does not contain them.
///
/// It is looked for beside the running test bed executable (both are built into the same
/// `.build/<configuration>/` folder), or named by `LOYALGATE_BINARY`. `swift run
/// loyalgate-testbed` builds only the test bed, so when the binary is missing it is built once
/// with `swift build --product loyalgate` in the package root (the test bed's own folder's
/// grandparent: `.build/<configuration>/loyalgate-testbed`).
public enum LoyalgateBinary {
    public static func path() throws -> String {
        if let named = ProcessInfo.processInfo.environment["LOYALGATE_BINARY"] { return named }
        let own = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let folder = own.deletingLastPathComponent()
        let beside = folder.appendingPathComponent("loyalgate").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        let configuration = folder.lastPathComponent == "release" ? "release" : "debug"
        var root = folder
        while root.path != "/",
            !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path)
        {
            root = root.deletingLastPathComponent()
        }
        guard root.path != "/" else {
            throw EmulationError("\(beside) is missing; build it with swift build --product loyalgate")
        }
        FileHandle.standardError.write(
            Data(
                "building loyalgate (the test bed runs the real binary): swift build -c \(configuration) --product loyalgate\n"
                    .utf8))
        let build = try ChildProcess(
            "/usr/bin/env",
            ["swift", "build", "-c", configuration, "--package-path", root.path, "--product", "loyalgate"])
        try build.start()
        guard build.waitForExit(within: .seconds(3600)), !build.isRunning,
            FileManager.default.isExecutableFile(atPath: beside)
        else {
            build.kill()
            throw EmulationError(
                "\(beside) could not be built (swift build --product loyalgate):\n\(build.stdout)\(build.stderr)")
        }
        return beside
    }
}
