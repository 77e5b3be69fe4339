import ArgumentParser
import Foundation
import LoyaltyStore

struct DrawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draw", abstract: "Prize draws (docs/campaigns-and-draws.md).", subcommands: [Verify.self])

    /// Anyone with a draw's report can rerun it: no data folder, no core, only the file.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Rerun a prize draw from its report (CSV: the entries per card and the revealed seed): checks the seed against its published SHA-256 and the winners against the ones recorded. Exit 0 when both match, 1 when not."
        )
        @Argument(help: "The draw report, as the back office downloads it.") var report: String
        @Option(help: "Draw with this seed (hex) instead of the report's, to see what another seed gives.")
        var seed: String?

        func run() throws {
            guard let data = FileManager.default.contents(atPath: report),
                let text = String(data: data, encoding: .utf8)
            else {
                throw ValidationError("Cannot read \(report) as UTF-8 text.")
            }
            let file: DrawReportFile
            do { file = try DrawReportFile.parse(text) } catch { throw ValidationError("\(report): \(error)") }
            guard let seedText = seed ?? file.fields["seed"]?.first else {
                throw ValidationError("\(report) has no seed: the draw has not been run yet (give one with --seed).")
            }
            guard let seedBytes = PrizeDraw.bytes(hex: seedText), !seedBytes.isEmpty else {
                throw ValidationError("The seed \"\(seedText.prefix(80))\" is not hex.")
            }
            guard let count = file.fields["winners"]?.first.flatMap({ Int($0) }), (1...1000).contains(count) else {
                throw ValidationError("\(report) has no \"winners\" line with a number from 1 to 1000.")
            }
            var good = true
            if let published = file.fields["seed-sha256"]?.first {
                let hash = PrizeDraw.seedHash(seedBytes)
                if hash == published.lowercased() {
                    print("seed: its SHA-256 is \(hash), the published commitment")
                } else {
                    print("seed: its SHA-256 is \(hash), NOT the published commitment \(published)")
                    good = false
                }
            } else {
                print("seed: the report publishes no SHA-256 to check it against")
                good = false
            }
            guard
                let winners = PrizeDraw.winners(
                    entries: file.rows.map { PrizeDraw.Entry(card: $0.card, entries: $0.entries) }, seed: seedBytes,
                    count: count)
            else {
                throw ValidationError("The entries of \(report) add up to more than 64 bits can count.")
            }
            let total = file.rows.reduce(Int64(0)) { $0 &+ max(0, $1.entries) }
            print("entries: \(total) on \(file.rows.filter { $0.entries > 0 }.count) cards")
            for (index, card) in winners.enumerated() { print("winner \(index + 1): \(card)") }
            if winners == file.recordedWinners {
                print("the winners match the report")
            } else {
                print("the winners DIFFER from the report's: \(file.recordedWinners.joined(separator: ", "))")
                good = false
            }
            if !good { throw ExitCode(1) }
        }
    }
}
