import Foundation
import LoyalgateClient
import LoyalgateProtocol
import Testbed
import Testing

/// Card batches ordered through the core's ops, as the back office in a browser orders them: the
/// core allocates, prints in the background on a real cupsd's queue to an emulated printer, and
/// reports the progress; a batch stopped by a failing printer is resumed with nothing printed
/// twice.
@Suite(.serialized) struct CardBatchOpsTests {
    static let designs = Loyalgate.examples.appendingPathComponent("cards").path

    /// A core with the examples' designs folder, printing through a private cupsd.
    /// Keep the CupsHarness bound for the whole test: dropping it stops its cupsd.
    static func shop() throws -> (CoreProcess, CupsHarness, PrinterCatcher, LoyalgateClient) {
        let (core, cups, printer, _, client) = try shop(on: .sqlite)
        return (core, cups, printer, client)
    }

    /// The same shop's core on either store: on PostgreSQL the batches are in the chain's database.
    static func shop(on kind: StoreKind) throws -> (
        CoreProcess, CupsHarness, PrinterCatcher, BatchPlace, LoyalgateClient
    ) {
        let (core, cups, printer) = try CardPrintingTests.shop(programs: ["dutch-pharmacy"])
        let place = try BatchPlace(kind, shop: core)
        try place.start(core, arguments: ["--designs", designs], environment: cups.environment)
        return (core, cups, printer, place, try core.typedClient())
    }

    /// Asks `batch.list` until the batch is no longer being printed, at most `seconds`.
    static func settled(_ client: LoyalgateClient, batch id: Int64, seconds: Double = 90) throws -> BatchView? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let batch = try client.call(CoreOp.BatchList.self, .init()).batches.first { $0.batch == id }
            if let batch, !batch.running { return batch }
            usleep(200_000)
        }
        return nil
    }

    @Test(arguments: StoreKind.available) func aBatchOrderedThroughTheCorePrintsEveryNumberItAllocated(
        _ kind: StoreKind
    ) throws {
        let (core, cups, printer, place, client) = try Self.shop(on: kind)
        defer { withExtendedLifetime((core, cups)) {} }
        #expect(try client.call(CoreOp.BatchDesigns.self, .init()).designs.contains("linde-pharmacy"))
        let preview = try client.call(CoreOp.BatchPreview.self, .init(design: "linde-pharmacy"))
        #expect(Data(base64Encoded: preview.png)?.starts(with: [0x89, 0x50, 0x4E, 0x47]) == true, "a PNG")

        let ordered = try client.call(
            CoreOp.BatchOrder.self, .init(count: 5, design: "linde-pharmacy", printer: "cards"))
        #expect(ordered.count == 5)
        #expect(ordered.merchant == "apotheek-de-linde")
        let done = try #require(try Self.settled(client, batch: ordered.batch), "the batch did not finish printing")
        #expect(done.state == "completed")
        #expect(done.printed == 5)
        #expect(done.problem == nil)

        let allocated = try place.sql(
            "SELECT card_number FROM card_batch_item WHERE batch_id = \(ordered.batch) ORDER BY position")
        #expect(try place.sql("SELECT DISTINCT status FROM card") == ["issued"])
        #expect(done.firstNumber == allocated.first && done.lastNumber == allocated.last)
        try #require(printer.waitForJobs(1), "the batch did not reach the printer")
        let scanned = try printer.jobs.flatMap { try PrintedCards.pages(of: $0) }.compactMap { page in
            page.barcodes.first.map { String($0.dropFirst("EAN-13:".count)) }
        }
        #expect(scanned == allocated, "every allocated number printed once, in order, scannable")
    }

    @Test(arguments: StoreKind.available)
    func aBatchStoppedByAFailingPrinterSaysWhyAndIsResumedWithNothingPrintedTwice(_ kind: StoreKind) throws {
        let (core, cups, printer, place, client) = try Self.shop(on: kind)
        defer { withExtendedLifetime((core, cups)) {} }
        // The card printer jams on every try of the first job: the run gives up after three.
        try cups.failJobs([1, 2, 3])
        let ordered = try client.call(CoreOp.BatchOrder.self, .init(count: 4, design: "bench-card", printer: "cards"))
        let stopped = try #require(try Self.settled(client, batch: ordered.batch))
        #expect(stopped.state != "completed")
        #expect(stopped.printed == 0)
        #expect(stopped.problem?.contains("could not print cards 1-4 of batch \(ordered.batch) in 3 tries") == true)

        try cups.failJobs([])
        let resumed = try client.call(CoreOp.BatchResume.self, .init(batch: ordered.batch))
        #expect(resumed.problem == nil)
        let done = try #require(try Self.settled(client, batch: ordered.batch))
        #expect(done.state == "completed")
        #expect(done.printed == 4)

        try #require(printer.waitForJobs(1))
        let allocated = try place.sql("SELECT card_number FROM card_batch_item ORDER BY position")
        let printed = try printer.jobs.flatMap { try PrintedCards.pages(of: $0, scan: false).flatMap(\.printedNumbers) }
        #expect(printed.sorted() == allocated.sorted(), "the failed jobs printed nothing; the resumed one all four")
        #expect(try place.sql("SELECT COUNT(*) FROM card_batch_item WHERE printed_at IS NOT NULL") == ["4"])
        // A completed batch resumed again sends nothing.
        #expect(try client.call(CoreOp.BatchResume.self, .init(batch: ordered.batch)).state == "completed")
    }

    @Test func aQueueThatDoesNotExistOrADesignOutsideTheFolderIsRefusedAndNothingAllocated() throws {
        let (core, cups, _, client) = try Self.shop()
        defer { withExtendedLifetime(cups) {} }
        #expect {
            try client.call(CoreOp.BatchOrder.self, .init(count: 3, design: "linde-pharmacy", printer: "no-such-queue"))
        } throws: { error in
            (error as? LoyaltyError)?.code == .badRequest
                && (error as? LoyaltyError)?.message.contains("no-such-queue") == true
        }
        #expect {
            try client.call(
                CoreOp.BatchOrder.self, .init(count: 3, design: "../cards/linde-pharmacy", printer: "cards"))
        } throws: { error in
            (error as? LoyaltyError)?.message.hasPrefix("There is no card design") == true
        }
        #expect(try client.call(CoreOp.BatchList.self, .init()).batches.isEmpty)
        #expect(try PrintedCards.sql(core.data, "SELECT COUNT(*) FROM card") == ["0"], "no number allocated")
    }

    @Test func aCardIsReprintedThroughTheCoreAndACoreWithoutDesignsSaysHowToGiveThem() throws {
        let (core, cups, printer, client) = try Self.shop()
        let ordered = try client.call(CoreOp.BatchOrder.self, .init(count: 1, design: "bench-card", printer: "cards"))
        _ = try #require(try Self.settled(client, batch: ordered.batch))
        let number = try #require(ordered.firstNumber)
        let reprinted = try client.call(
            CoreOp.CardReprint.self, .init(card: number, design: "bench-card", printer: "cards"))
        #expect(reprinted.number == number)
        #expect(reprinted.replaced.isEmpty)
        try #require(printer.waitForJobs(2))
        #expect(try PrintedCards.pages(of: printer.jobs[1], scan: false).flatMap(\.printedNumbers).contains(number))

        #expect(core.terminate() == 0)
        try core.start(environment: cups.environment)
        #expect {
            try core.typedClient().call(CoreOp.BatchDesigns.self, .init())
        } throws: { error in
            (error as? LoyaltyError)?.message.contains("start it with --designs DIR") == true
        }
    }
}
