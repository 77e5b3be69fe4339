import Foundation
import Testbed
import Testing

/// The back office's card batches page in a real headless Chromium (Tests/Browser/card_batches.py)
/// against a real core printing through a private cupsd to an emulated card printer: what the
/// owner ordered and reprinted in the browser is what comes off the printer, each barcode
/// scanning as its number.
@Suite(
    "The card batches page", .serialized,
    .enabled(if: Chromium.isAvailable, "needs chromium, chromium-driver and python3-selenium"))
struct CardBatchPageTests {
    @Test func anOwnerOrdersABatchAndReprintsACardInTheBrowserAndTheCardsComeOffThePrinter() throws {
        let (core, cups, printer) = try CardPrintingTests.shop(programs: ["dutch-pharmacy"])
        try core.start(arguments: ["--designs", CardBatchOpsTests.designs], environment: cups.environment)
        let result = try ChildProcess.run(
            "/usr/bin/python3", [Loyalgate.repository.appendingPathComponent("Tests/Browser/card_batches.py").path],
            environment: [
                "LOYALGATE_BIN": Loyalgate.binary, "LOYALGATE_CORE_SOCKET": core.socket,
                "LOYALGATE_WEB_PORT": "\(MetricsTests.freePort())", "LOYALGATE_MERCHANT": "apotheek-de-linde",
                "LOYALGATE_SCREENSHOTS": ProcessInfo.processInfo.environment["LOYALGATE_SCREENSHOTS"] ?? "",
            ], within: .seconds(300))
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)\n\(core.log)")
        #expect(result.stdout.contains("all card batch page checks passed"), "\(result.stdout)")

        let allocated = try PrintedCards.sql(core.data, "SELECT card_number FROM card_batch_item ORDER BY position")
        #expect(allocated.count == 3, "one batch of three: the refused orders allocated nothing")
        #expect(result.stdout.contains("allocated: \(allocated.first ?? "?") \(allocated.last ?? "?")"))
        try #require(printer.waitForJobs(2), "the batch and the reprint did not both reach the printer")
        let scanned = try printer.jobs.flatMap { try PrintedCards.pages(of: $0) }.compactMap { page in
            page.barcodes.first.map { String($0.dropFirst("EAN-13:".count)) }
        }
        #expect(scanned == allocated + [allocated[0]], "the batch in order, then the reprinted first card")
        withExtendedLifetime(cups) {}
    }
}
