import Foundation
import Synchronization
import Testbed
import Testing

/// Card batches through a real cupsd to a "printer" on a TCP port, read back as a technician
/// would: page size from pdfinfo, the number printed beside each barcode from pdftotext, and the
/// barcode itself from zbarimg on pdftoppm's raster.
@Suite struct CardPrintingTests {
    static let designs = Loyalgate.examples.appendingPathComponent("cards")

    @Test(arguments: StoreKind.available) func everyPrintedBarcodeScansAsTheNumberBesideItAndAllocatedInTheCore(
        _ kind: StoreKind
    ) throws {
        let (core, cups, printer) = try Self.shop(programs: ["dutch-pharmacy"])
        let place = try BatchPlace(kind, shop: core)
        let result = try Loyalgate.run(
            ["cards", "batch"] + place.arguments + [
                "--count", "7", "--chunk", "3",
                "--design", Self.designs.appendingPathComponent("linde-pharmacy.json").path, "--printer", "cards",
            ],
            environment: cups.environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("batch 1 completed: 7 of 7 cards printed"))

        let allocated = try place.sql("SELECT card_number FROM card_batch_item WHERE batch_id = 1 ORDER BY position")
        #expect(allocated.count == 7)
        #expect(try place.sql("SELECT DISTINCT status FROM card") == ["issued"])
        #expect(try place.sql("SELECT state FROM card_batch WHERE id = 1") == ["completed"])
        #expect(printer.jobs.count == 3, "7 cards in jobs of 3")

        var scanned: [String] = []
        for job in printer.jobs {
            let pages = try PrintedCards.pages(of: job)
            #expect(pages.allSatisfy { $0.size == PrintedCards.id1 }, "every page is an ID-1 card")
            // Front then back, card by card: what a duplex card printer expects.
            for card in stride(from: 0, to: pages.count, by: 2) {
                let front = pages[card], back = pages[card + 1]
                #expect(front.barcodes.count == 1)
                let number = front.barcodes.first.map { String($0.dropFirst("EAN-13:".count)) } ?? "?"
                #expect(front.barcodes.first?.hasPrefix("EAN-13:") == true)
                #expect(front.printedNumbers == [number], "the number printed beside the barcode")
                #expect(back.printedNumbers == [number], "the back shows the same card's number")
                #expect(back.barcodes.isEmpty)
                scanned.append(number)
            }
        }
        #expect(scanned == allocated)
    }

    @Test func aCyrillicCardScansAsQRCodeOnTheFrontAndCode128OnTheBack() throws {
        let (core, cups, printer) = try Self.shop(programs: ["bulgarian-coop"])
        let result = try Loyalgate.run(
            [
                "cards", "batch", "--data", core.data, "--merchant", "coop-plovdiv", "--count", "2",
                "--design", Self.designs.appendingPathComponent("coop-plovdiv.json").path, "--printer", "cards",
            ],
            environment: cups.environment)
        #expect(result.status == 0, "\(result.stderr)")
        let allocated = try PrintedCards.sql(core.data, "SELECT card_number FROM card_batch_item ORDER BY position")
        // The job reaches the emulated printer after the command returns: wait for it, and stop
        // here rather than read pages that are not there.
        try #require(printer.waitForJobs(1), "the batch did not reach the printer")
        let pages = try printer.jobs.flatMap { try PrintedCards.pages(of: $0) }
        try #require(pages.count == 4)
        #expect(pages.map(\.barcodes) == allocated.flatMap { [["QR-Code:\($0)"], ["CODE-128:\($0)"]] })
        #expect(pages[0].text.contains("Кооперация Пловдив"))
        #expect(pages[0].text.contains("Карта за лоялност"))
    }

    @Test func thePreviewShowsTheCyrillicShopNameReadableOnThePNG() throws {
        let folder = Loyalgate.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let png = folder + "/coop.png"
        let result = try Loyalgate.run([
            "cards", "preview", Self.designs.appendingPathComponent("coop-plovdiv.json").path,
            "--output", png, "--no-guides",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        // IHDR: both sides of the card at 300 dpi, front above back with a 4 mm gap.
        let header = [UInt8](try Data(contentsOf: URL(fileURLWithPath: png)).prefix(24))
        let width = header[16..<20].reduce(0) { $0 << 8 | Int($1) },
            height = header[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1012 && height == 1323, "\(width)×\(height)")
        let read = try PrintedCards.tool("tesseract", [png, "stdout", "-l", "bul"])
        #expect(read.contains("Кооперация Пловдив"), "OCR read: \(read)")
        #expect(try PrintedCards.tool("zbarimg", ["-q", png]).contains("QR-Code:2000000000015"))
    }

    @Test(arguments: StoreKind.available) func aBatchKilledMidwayAndResumedPrintsEveryAllocatedNumberExactlyOnce(
        _ kind: StoreKind
    ) throws {
        let (core, cups, printer) = try Self.shop(programs: ["dutch-pharmacy"])
        let place = try BatchPlace(kind, shop: core)
        printer.delay = 1  // a slow card printer: the kill lands while job 2 is on it
        let batch = try ChildProcess(
            Loyalgate.binary,
            ["cards", "batch"] + place.arguments + [
                "--count", "12", "--chunk", "3",
                "--design", Self.designs.appendingPathComponent("bench-card.json").path, "--printer", "cards",
            ], environment: cups.environment)
        try batch.start()
        #expect(printer.waitForConnections(2))
        batch.kill()
        #expect(
            try place.sql("SELECT COUNT(*) FROM card_batch_item WHERE printed_at IS NOT NULL") == ["3"],
            "job 1 was printed and recorded, job 2 was still on the printer")

        printer.delay = 0
        let resumed = try Loyalgate.run(
            ["cards", "batch"] + place.arguments + ["--resume", "1"], environment: cups.environment)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        // The job in flight at the kill is not sent again: CUPS finishes it and the resume counts it;
        // the rest goes in one job (--chunk is per run, default 100).
        #expect(resumed.stdout.contains("job cards-2 from the interrupted run: cards 4-6 printed"), "\(resumed.stdout)")
        #expect(
            resumed.stdout.contains("batch 1 completed: 12 of 12 cards printed, 9 in this run in 2 job(s)"),
            "\(resumed.stdout)")

        let allocated = try place.sql("SELECT card_number FROM card_batch_item WHERE batch_id = 1")
        let printed = try printer.jobs.flatMap { try PrintedCards.pages(of: $0, scan: false).flatMap(\.printedNumbers) }
        #expect(allocated.count == 12)
        #expect(printed.sorted() == allocated.sorted(), "every allocated number printed once, none twice, none skipped")
        #expect(try place.sql("SELECT COUNT(*) FROM card") == ["12"], "no number allocated twice")
        #expect(try place.sql("SELECT COUNT(*) FROM card_batch_item WHERE printed_at IS NOT NULL") == ["12"])
    }

    /// Two machines of a chain print batches at the same moment: each allocation waits for the
    /// other's, so the two batches share no number and every card comes off the printer once.
    @Test(.enabled(if: PostgresServer.unavailable == nil, "PostgreSQL is not installed"))
    func twoBatchesPrintedAtOnceOnTheChainShareNoNumber() throws {
        let (core, cups, printer) = try Self.shop(programs: ["dutch-pharmacy"])
        defer { withExtendedLifetime((core, cups)) {} }
        let place = try BatchPlace(.postgres, shop: core)
        let design = Self.designs.appendingPathComponent("bench-card.json").path
        let outputs = Mutex([Int32](repeating: -1, count: 2))
        let (arguments, environment) = (place.arguments, cups.environment)
        DispatchQueue.concurrentPerform(iterations: 2) { run in
            let result = try? Loyalgate.run(
                ["cards", "batch"] + arguments + [
                    "--count", "20", "--chunk", "20", "--design", design, "--printer", "cards",
                ], environment: environment)
            outputs.withLock { $0[run] = result?.status ?? -2 }
        }
        #expect(outputs.withLock { $0 } == [0, 0])
        #expect(try place.sql("SELECT id, state FROM card_batch ORDER BY id") == ["1|completed", "2|completed"])
        let allocated = try place.sql("SELECT card_number FROM card_batch_item")
        #expect(allocated.count == 40)
        #expect(Set(allocated).count == 40, "no number in both batches")
        #expect(try place.sql("SELECT COUNT(*) FROM card") == ["40"])
        try #require(printer.waitForJobs(2), "the batches did not reach the printer")
        let printed = try printer.jobs.flatMap { try PrintedCards.pages(of: $0, scan: false).flatMap(\.printedNumbers) }
        #expect(printed.sorted() == allocated.sorted())
    }

    /// A shop whose printer died mid-batch moves onto the chain; the batch is finished there.
    @Test(.enabled(if: PostgresServer.unavailable == nil, "PostgreSQL is not installed"))
    func aBatchLeftHalfPrintedBeforeTheMoveIsFinishedOnTheChain() throws {
        let (core, cups, printer) = try Self.shop(programs: ["dutch-pharmacy"])
        defer { withExtendedLifetime((core, cups)) {} }
        try cups.failJobs([2, 3, 4])  // the second chunk fails all three tries: the run stops
        let design = Self.designs.appendingPathComponent("bench-card.json").path
        let stopped = try Loyalgate.run(
            [
                "cards", "batch", "--data", core.data, "--count", "6", "--chunk", "3", "--design", design, "--printer",
                "cards",
            ],
            environment: cups.environment)
        #expect(stopped.status != 0)
        #expect(stopped.stderr.contains("loyalgate cards batch --resume 1"), "\(stopped.stderr)")

        let place = try BatchPlace(.postgres, shop: core)
        #expect(try place.sql("SELECT COUNT(*) FROM card_batch_item WHERE printed_at IS NOT NULL") == ["3"])
        try cups.failJobs([])
        let resumed = try Loyalgate.run(
            ["cards", "batch"] + place.arguments + ["--resume", "1"], environment: cups.environment)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("batch 1 completed: 6 of 6 cards printed, 3 in this run"), "\(resumed.stdout)")
        let allocated = try place.sql("SELECT card_number FROM card_batch_item")
        let printed = try printer.jobs.flatMap { try PrintedCards.pages(of: $0, scan: false).flatMap(\.printedNumbers) }
        #expect(printed.sorted() == allocated.sorted(), "the failed tries printed nothing; each card once")
    }

    @Test(arguments: StoreKind.available) func aFailedPrintJobIsSentAgainAndTheBatchSaysSo(_ kind: StoreKind) throws {
        let (core, cups, printer) = try Self.shop(programs: ["dutch-pharmacy"])
        let place = try BatchPlace(kind, shop: core)
        try cups.failJobs([2])
        let result = try Loyalgate.run(
            ["cards", "batch"] + place.arguments + [
                "--count", "9", "--chunk", "3",
                "--design", Self.designs.appendingPathComponent("bench-card.json").path, "--printer", "cards",
            ],
            environment: cups.environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("job cards-2 was aborted"))
        #expect(result.stdout.contains("sending those 3 cards again (try 2 of 3)"))
        #expect(result.stdout.contains("batch 1 completed: 9 of 9 cards printed"))
        let allocated = try place.sql("SELECT card_number FROM card_batch_item")
        let printed = try printer.jobs.flatMap { try PrintedCards.pages(of: $0, scan: false).flatMap(\.printedNumbers) }
        #expect(printed.sorted() == allocated.sorted())
    }

    @Test(arguments: StoreKind.available) func aWornCardIsReprintedWithItsNumberAndAReplacedOneWithItsNewNumber(
        _ kind: StoreKind
    ) throws {
        let (core, cups, printer) = try Self.shop(programs: ["dutch-pharmacy"])
        let place = try BatchPlace(kind, shop: core)
        let design = Self.designs.appendingPathComponent("linde-pharmacy.json").path
        #expect(
            try Loyalgate.run(
                ["cards", "batch"] + place.arguments + ["--count", "2", "--design", design, "--printer", "cards"],
                environment: cups.environment
            ).status == 0)
        let cards = try place.sql("SELECT card_number FROM card_batch_item ORDER BY position")
        let (worn, lost) = (cards[0], cards[1])

        let reprint = try Loyalgate.run(
            ["cards", "reprint"] + place.arguments + ["--design", design, "--printer", "cards", worn],
            environment: cups.environment)
        #expect(reprint.status == 0, "\(reprint.stderr)")
        #expect(reprint.stdout.contains("card \(worn) printed"))
        // The job reaches the emulated printer after the command returns (CUPS sends it on): wait
        // for it rather than read a job that is not there yet.
        try #require(printer.waitForJobs(2), "the reprint did not reach the printer")
        #expect(try PrintedCards.pages(of: printer.jobs[1]).map(\.barcodes) == [["EAN-13:\(worn)"], []])

        // The lost card is replaced through the core; its reprint carries the new number.
        try place.start(core)
        let replaced = try Loyalgate.run(["cards", "replace", "--socket", core.socket, "--reason", "lost", lost])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        let newNumber = try place.sql("SELECT replaced_by FROM card WHERE number = '\(lost)'")[0]
        let second = try Loyalgate.run(
            ["cards", "reprint"] + place.arguments + ["--design", design, "--printer", "cards", lost],
            environment: cups.environment)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("card \(lost) was replaced by \(newNumber): printing \(newNumber)"))
        try #require(printer.waitForJobs(3), "the second reprint did not reach the printer")
        #expect(try PrintedCards.pages(of: printer.jobs[2]).map(\.barcodes) == [["EAN-13:\(newNumber)"], []])

        let stranger = try Loyalgate.run(
            ["cards", "reprint"] + place.arguments + [
                "--design", design, "--printer", "cards", card("2990001", 99_999),
            ],
            environment: cups.environment)
        #expect(stranger.status != 0)
        #expect(stranger.stderr.contains("is not a card of"))
        #expect(printer.jobs.count == 3)
    }

    /// A shop with its programs imported, a private cupsd, and a card printer queue `cards`.
    static func shop(programs: [String]) throws -> (CoreProcess, CupsHarness, PrinterCatcher) {
        let core = CoreProcess()
        try core.setUp(programs: programs)
        let cups = try CupsHarness()
        let printer = try PrinterCatcher()
        try cups.addQueue("cards", catcher: printer)
        return (core, cups, printer)
    }
}
