import ArgumentParser
import CardRendering
import Foundation
import LoyaltyDomain
import Testbed

extension Bench {
    /// Cards rendered per second into one PDF, beside glabels-3-batch merging the same kind of
    /// card (shop name, a line, EAN-13) in the same session; see docs/benchmarks-cards.md.
    struct CardsRender: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cards",
            abstract: "Cards rendered per second to PDF, and the glabels-3-batch peer in the same run.")

        @Option(help: "The card design to render.") var design: String = "examples/cards/bench-card.json"
        @Option(help: "Cards to render.") var count: Int = 10_000
        @Option(help: "The peer script (empty: no peer).") var peer: String = "../shared/peers/glabels/run.sh"
        @Option(help: "Cards for the peer to merge.") var peerCount: Int = 1_000
        @Option(help: "Working folder for the PDFs.") var dir: String = ".build-bench/cards"

        func run() throws {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            // The peer's numbers: 29 + ten-digit serial + check digit.
            let numbers = try (1...count).map { try CardNumber(prefix: "29", serial: Int64($0)).digits }
            let clock = ContinuousClock()
            let loadStart = clock.now
            let renderer = try CardRenderer(path: design)
            let loaded = clock.now - loadStart
            let file = dir + "/loyalgate-cards.pdf"
            let start = clock.now
            try renderer.renderPDF(numbers: numbers, to: file)
            let seconds = (clock.now - start).inSeconds
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            let ours = Double(count) / seconds
            print(
                String(
                    format:
                        "loyalgate: %d cards (%d pages) in %.2f s = %.0f cards/s; design loaded and checked in %.0f ms; PDF %.1f MB",
                    count, count * renderer.pagesPerCard, seconds, ours, loaded.inSeconds * 1000, Double(size) / 1e6
                ))
            guard !peer.isEmpty else { return }
            guard FileManager.default.isExecutableFile(atPath: peer) else {
                print("peer \(peer) not found: no ratio")
                return
            }
            let peerRun = try ChildProcess.run(
                "/bin/bash",
                [peer, String(peerCount), FileManager.default.currentDirectoryPath + "/" + dir + "/glabels-cards.pdf"],
                within: .seconds(3600))
            let line = peerRun.stdout
            print(line.trimmingCharacters(in: .whitespacesAndNewlines))
            // "glabels-3-batch: 1000 cards in 5.86 s = 171 cards/s"
            guard peerRun.status == 0,
                let rate = line.split(separator: "=").last.flatMap({ Double($0.split(separator: " ").first ?? "") })
            else {
                throw ValidationError("The peer failed (is glabels installed? scripts/install-deps --bench).")
            }
            print(
                String(
                    format: "ratio: loyalgate renders %.1f× as many cards per second as glabels-3-batch", ours / rate))
        }

    }
}
