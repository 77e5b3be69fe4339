import ArgumentParser

/// `loyalgate-testbed`: what runs the shipped `loyalgate` binary without hardware — the demo
/// (a core, the gateway on umockdev-emulated scanners, a till) and the benchmarks. Never
/// installed: nothing of it is in the `loyalgate` binary.
@main
struct LoyalgateTestbed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loyalgate-testbed",
        abstract: "The demo and the benchmarks of loyalgate, on emulated devices; not part of the shipped binary.",
        subcommands: [Demo.self, Bench.self])
}
