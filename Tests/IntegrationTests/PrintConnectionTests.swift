import Foundation
import Printing
import Testing

/// The Printing module against a real cupsd: what a receipt or card job looks like at the printer,
/// and the sentences a shop person gets when the queue or the scheduler is not there.
@Suite struct PrintConnectionTests {
    @Test func rawBytesReachThePrinterUnchangedAndTheJobIsFoundByItsTitle() throws {
        let cups = try CupsHarness()
        let printer = try PrinterCatcher()
        try cups.addQueue("receipts", catcher: printer)
        let connection = try PrintConnection(server: PrintServer(host: cups.socket))
        // ESC @, a Cyrillic line, GS V 0: a receipt's bytes, which no filter may touch.
        let bytes: [UInt8] = [0x1B, 0x40] + Array("Кооперация Пловдив\n".utf8) + [0x1D, 0x56, 0x00]
        var recorded: Int?
        let job = try connection.submit(
            PrintDocument(.bytes(bytes), format: PrintDocument.raw, title: "receipt R-1042"), to: "receipts"
        ) {
            recorded = $0
        }
        #expect(recorded == job, "the id is known before the data is sent")
        let status = try connection.wait(for: job, on: "receipts")
        #expect(status.state == .completed)
        #expect(printer.waitForJobs(1))
        #expect(printer.jobs == [Data(bytes)])
        #expect(try connection.jobs(on: "receipts", titled: "receipt R-1042").map(\.id) == [job])
        #expect(try connection.printerStatus("receipts").accepting)
    }

    @Test func aMissingOrRejectingQueueIsSaidInWords() throws {
        let cups = try CupsHarness()
        let printer = try PrinterCatcher()
        try cups.addQueue("cards", catcher: printer)
        let connection = try PrintConnection(server: PrintServer(host: cups.socket))
        let missing = #expect(throws: PrintingError.self) { try connection.requireAccepting("evolis") }
        #expect(missing?.kind == .noSuchQueue)
        #expect(
            missing?.message
                == #"There is no printer called "evolis" here (or the job is gone): `lpstat -p` lists the printers."#)

        try cups.lp("cupsreject", ["-r", "ribbon change", "cards"])
        let rejecting = #expect(throws: PrintingError.self) { try connection.requireAccepting("cards") }
        #expect(rejecting?.kind == .notAccepting)
        #expect(rejecting?.message.hasPrefix(#"The printer "cards" is not accepting jobs"#) == true)
        #expect(rejecting?.message.hasSuffix("run `cupsaccept cards` when it is ready.") == true)
        #expect(throws: PrintingError.self) {
            try connection.submit(PrintDocument(.bytes([1]), format: PrintDocument.raw, title: "x"), to: "cards")
        }
        #expect(printer.jobs.isEmpty)
    }

    @Test func aSchedulerThatIsNotRunningIsSaidInWords() {
        let error = #expect(throws: PrintingError.self) {
            try PrintConnection(server: PrintServer(host: "/tmp/lg-no-such-cupsd.sock"))
        }
        #expect(error?.kind == .serverUnreachable)
        #expect(
            error?.message
                == "The print service (CUPS) at /tmp/lg-no-such-cupsd.sock does not answer: check that it runs (systemctl status cups)."
        )
    }
}
