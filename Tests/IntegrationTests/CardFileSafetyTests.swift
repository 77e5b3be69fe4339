import Foundation
import Testbed
import Testing

/// The files the card commands read and write on a machine other users share: a design whose
/// logo is a FIFO, and the temporary PDFs of a batch and a reprint.
@Suite struct CardFileSafetyTests {
    @Test func aPreviewOfADesignWhoseLogoIsAFIFOStopsAtOnceWithAClearMessage() throws {
        let folder = Loyalgate.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let design = #"""
            {"shopName": "Apotheek", "front": {"elements": [
             {"type": "logo", "file": "logo.png", "x": 4, "y": 4, "width": 14, "height": 14},
             {"type": "barcode", "x": 4, "y": 25, "width": 40, "height": 18}]}}
            """#
        #expect(FileManager.default.createFile(atPath: folder + "/design.json", contents: Data(design.utf8)))
        #expect(mkfifo(folder + "/logo.png", 0o600) == 0)
        // Without the check the command waits for ever for a writer on the FIFO.
        let preview = try ChildProcess.run(
            Loyalgate.binary, ["cards", "preview", folder + "/design.json"], within: .seconds(20))
        #expect(preview.status != 0)
        #expect(
            preview.stderr.contains("logo.png is not a regular file (it is a FIFO (named pipe))"), "\(preview.stderr)")
    }

    /// Another user of the machine plants symbolic links where a predictable name would be
    /// (`loyalgate-reprint-PID.pdf` in /tmp, for the pids to come) and a folder with the run's
    /// prefix; a killed run left its folder behind. The runs write only into folders of their
    /// own, follow no link, clear the dead run's folder and leave nothing behind.
    @Test func batchAndReprintPDFsAreWrittenInAPrivateFolderAndNoPlantedLinkIsFollowed() throws {
        let (core, cups, printer) = try CardPrintingTests.shop(programs: ["dutch-pharmacy"])
        let temporary = core.data + "/tmp"
        let victims = core.data + "/victims"
        for folder in [temporary, victims] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        let victim = victims + "/precious.txt"
        #expect(FileManager.default.createFile(atPath: victim, contents: Data("the owner's file\n".utf8)))
        let lastPID =
            Int(
                (try String(contentsOfFile: "/proc/sys/kernel/ns_last_pid", encoding: .utf8))
                    .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        for pid in lastPID + 1...lastPID + 400 {
            for name in ["loyalgate-reprint-\(pid).pdf", "loyalgate-batch-1-\(pid).pdf"] {
                try FileManager.default.createSymbolicLink(atPath: temporary + "/" + name, withDestinationPath: victim)
            }
        }
        // What a killed run left: its folder, named after a process that is gone.
        let gone = try ChildProcess("/bin/true", [])
        try gone.start()
        gone.waitForExit(within: .seconds(10))
        let stale = temporary + "/loyalgate-cards-\(gone.processIdentifier)-a1b2c3"
        try FileManager.default.createDirectory(atPath: stale, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: stale + "/reprint-x1y2z3.pdf", contents: Data("%PDF".utf8)))
        // A link with the same prefix is somebody else's: neither followed nor removed.
        try FileManager.default.createSymbolicLink(
            atPath: temporary + "/loyalgate-cards-\(gone.processIdentifier)-planted", withDestinationPath: victims)

        let environment = cups.environment.merging(["TMPDIR": temporary]) { $1 }
        let design = CardPrintingTests.designs.appendingPathComponent("linde-pharmacy.json").path
        let batch = try Loyalgate.run(
            ["cards", "batch", "--data", core.data, "--count", "1", "--design", design, "--printer", "cards"],
            environment: environment)
        #expect(batch.status == 0, "\(batch.stderr)")
        let number = try PrintedCards.sql(core.data, "SELECT card_number FROM card_batch_item")[0]
        let reprint = try Loyalgate.run(
            ["cards", "reprint", "--data", core.data, "--design", design, "--printer", "cards", number],
            environment: environment)
        #expect(reprint.status == 0, "\(reprint.stderr)")
        #expect(printer.jobs.count == 2)

        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "the owner's file\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: victims) == ["precious.txt"])
        #expect(!FileManager.default.fileExists(atPath: stale), "the dead run's folder is cleared")
        let left = try FileManager.default.contentsOfDirectory(atPath: temporary).filter {
            $0.hasPrefix("loyalgate-cards-")
        }
        #expect(left == ["loyalgate-cards-\(gone.processIdentifier)-planted"], "\(left)")
    }
}
