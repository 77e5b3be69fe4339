import Foundation
import LoyalgateClient
import LoyalgateProtocol
import ReceiptEncoding
import Testbed
import Testing

/// `receipt.print` through the real gateway, a private cupsd with raw queues, and emulated
/// ESC/POS printers on 127.0.0.1: what arrives at the printer, what the till is told.
@Suite("Receipts through the gateway and CUPS", .serialized, .enabled(if: EmulatedDevices.isAvailable))
struct ReceiptPrintingTests {
    @Test("A full receipt arrives at the printer byte for byte; the till sees queued … completed")
    func fullReceipt() throws {
        let setup = try ReceiptGateway()
        let till = try setup.gateway.till()
        try till.subscribe()
        let receipt = ReceiptGateway.receipt()
        let answer = try till.request("receipt.print", ["printer": "till-1", "receipt": receipt, "key": "till-1/1042"])
        #expect(answer["ok"] as? Bool == true, "\(answer)")
        let job = try #require(answer["job"] as? String)
        let events = till.jobEvents(job)
        #expect(events.first?["state"] as? String == "queued")
        #expect(events.last?["state"] as? String == "completed", "\(events) \(setup.gateway.log)")
        #expect(setup.printer.waitForJobs(1))
        #expect(setup.printer.jobs == [try ReceiptGateway.expectedBytes(receipt)])
    }

    @Test(
        "A receipt with a card prints the balances the gateway fetched after the sale; without the core it prints, saying so"
    )
    func loyaltyBlockFetchedByTheGateway() throws {
        let number = card("2440001", 71)
        let setup = try ReceiptGateway { core in
            try core.setUp(programs: ["german-shop"], cards: [number])
            try core.start()
        }
        let shop = try setup.core.typedClient()
        _ = try shop.call(
            CoreOp.PrepaidLoad.self,
            .init(card: number, till: "till-1", receipt: "L-1", amount: "50.00", tender: "cash"))
        let earned = try shop.call(
            CoreOp.TxnEarn.self,
            .init(card: number, till: "till-1", receipt: "R-71", lines: [.init(sku: "x", amount: "84.00")]))
        #expect(earned.account.points == 42)

        let till = try setup.gateway.till()
        try till.subscribe()
        // The till names the card as typed from it and copies no balance in: the 12.40 it sent
        // as spendable is not the core's and must not print.
        let typed = [number.prefix(4), number.dropFirst(4).prefix(4), number.dropFirst(8).prefix(4), number.suffix(1)]
            .joined(separator: " ")
        let answer = try till.request(
            "receipt.print",
            ["printer": "till-1", "receipt": ReceiptGateway.receipt(), "key": "till-1/R-71", "card": typed])
        let job = try #require(answer["job"] as? String, "\(answer)")
        let events = till.jobEvents(job)
        #expect(events.last?["state"] as? String == "completed", "\(events) \(setup.gateway.log)")
        #expect(events.allSatisfy { $0["balance"] as? String == "fetched" }, "\(events)")
        #expect(setup.printer.waitForJobs(1))
        let interpreter = ESCPOSInterpreter(profile: try PrinterProfile.named("epson-tm-t88v"))
        let lines = try interpreter.interpret(Array(try #require(setup.printer.jobs.first))).textLines
        let block = lines.drop { !$0.hasPrefix("Kaart") }
        #expect(block.first?.hasSuffix(String(repeating: "*", count: 9) + number.suffix(4)) == true, "\(lines)")
        #expect(block.contains { $0.hasPrefix("Puntensaldo") && $0.hasSuffix(" 42") }, "\(lines)")
        #expect(block.contains { $0.hasPrefix("Prepaid tegoed") && $0.hasSuffix(" 50,00") }, "\(lines)")
        #expect(!lines.contains { $0.contains("12,40") }, "\(lines)")
        #expect(block.contains { $0.hasPrefix("Gespaarde korting") && $0.hasSuffix(" 0,20") }, "\(lines)")

        // The core is gone: the receipt still prints, with the line saying why there is no balance.
        #expect(setup.core.terminate() == 0)
        let second = try till.request(
            "receipt.print",
            [
                "printer": "till-1", "receipt": ReceiptGateway.receipt(number: 1043), "key": "till-1/R-72",
                "card": number,
            ])
        let secondJob = try #require(second["job"] as? String, "\(second)")
        let secondEvents = till.jobEvents(secondJob)
        #expect(secondEvents.last?["state"] as? String == "completed", "\(secondEvents)")
        #expect(secondEvents.last?["balance"] as? String == "unavailable", "\(secondEvents)")
        try #require(setup.printer.waitForJobs(2))
        let without = try interpreter.interpret(Array(setup.printer.jobs[1])).textLines
        #expect(without.contains("Het saldo kon niet worden opgehaald."), "\(without)")
        #expect(!without.contains { $0.hasPrefix("Puntensaldo") }, "\(without)")

        // A number that is not a card is the till's mistake, refused before anything prints.
        let mistyped = String(number.dropLast()) + String((Int(String(number.last!))! + 1) % 10)
        let wrong = try till.request(
            "receipt.print", ["printer": "till-1", "receipt": ReceiptGateway.receipt(), "card": mistyped])
        #expect((wrong["error"] as? [String: Any])?["code"] as? String == "invalid-card-number", "\(wrong)")
    }

    @Test("A till bound to another merchant gets a receipt without that card's balances")
    func noBalancesOfAnotherMerchant() throws {
        let number = card("2440001", 72)
        let setup = try ReceiptGateway(
            access: #"{"callers": [{"uid": \#(getuid()), "merchant": "apotheek-de-linde"}]}"#
        ) {
            core in
            try core.setUp(programs: ["german-shop"], cards: [number])
            try core.start()
        }
        _ = try setup.core.typedClient().call(
            CoreOp.TxnEarn.self,
            .init(card: number, till: "till-1", receipt: "R-72", lines: [.init(sku: "x", amount: "84.00")]))
        let till = try setup.gateway.till()
        try till.subscribe()
        let answer = try till.request(
            "receipt.print", ["printer": "till-1", "receipt": ReceiptGateway.receipt(), "key": "k-72", "card": number])
        let job = try #require(answer["job"] as? String, "\(answer)")
        let events = till.jobEvents(job)
        #expect(events.last?["state"] as? String == "completed", "\(events) \(setup.gateway.log)")
        #expect(events.last?["balance"] as? String == "unavailable", "\(events)")
        #expect(setup.printer.waitForJobs(1))
        let interpreter = ESCPOSInterpreter(profile: try PrinterProfile.named("epson-tm-t88v"))
        let lines = try interpreter.interpret(Array(try #require(setup.printer.jobs.first))).textLines
        #expect(!lines.contains { $0.hasPrefix("Puntensaldo") }, "\(lines)")
        #expect(lines.contains("Het saldo kon niet worden opgehaald."), "\(lines)")
    }

    @Test(
        "A printer that refuses connections: the job fails with a reason a cashier understands, and is cancelled in CUPS",
        .timeLimit(.minutes(2)))
    func refusingPrinter() throws {
        let setup = try ReceiptGateway(failAfterSeconds: 2)
        let till = try setup.gateway.till()
        try till.subscribe()
        // This printer has no template, so the till sends the header itself.
        var receipt = ReceiptGateway.receipt()
        receipt["header"] = ["merchantName": "Apotheek De Linde"]
        let answer = try till.request("receipt.print", ["printer": "off", "receipt": receipt, "key": "off/1"])
        let job = try #require(answer["job"] as? String)
        let events = till.jobEvents(job)
        #expect(events.last?["state"] as? String == "failed", "\(events)")
        #expect(
            events.last?["reason"] as? String
                == "The printer cannot be reached: check that it is switched on and its cable is in.")
        // Nothing is left in the queue that could print later, beside a retry.
        #expect(try setup.cups.lp("lpstat", ["-o", "dead"]).isEmpty)
    }

    @Test("A retry after a failure prints exactly once; a retry after completion prints nothing")
    func retryPrintsOnce() throws {
        let setup = try ReceiptGateway()
        let till = try setup.gateway.till()
        try till.subscribe()
        let receipt = ReceiptGateway.receipt(till: "2", number: 7)
        // The queue is stopped: the job waits, the gateway reports it failed after
        // failAfterSeconds and cancels it in CUPS, so starting the queue again cannot print it.
        try setup.admin("cupsdisable", ["flaky"])
        let first = try till.request("receipt.print", ["printer": "till-2", "receipt": receipt, "key": "till-2/7"])
        let job = try #require(first["job"] as? String)
        let failed = till.jobEvents(job)
        #expect(failed.last?["state"] as? String == "failed", "\(failed) \(setup.gateway.log)")
        #expect(
            failed.last?["reason"] as? String
                == "The receipt printer's queue is stopped: a technician must run `cupsenable flaky`.")
        try setup.admin("cupsenable", ["flaky"])

        let retry = try till.request("receipt.print", ["printer": "till-2", "receipt": receipt, "key": "till-2/7"])
        #expect(retry["job"] as? String == job)
        #expect(retry["replayed"] as? Bool == false)
        let printed = till.jobEvents(job)
        #expect(printed.last?["state"] as? String == "completed", "\(printed)")
        #expect(printed.last?["attempt"] as? Int == 2)

        let again = try till.request("receipt.print", ["printer": "till-2", "receipt": receipt, "key": "till-2/7"])
        #expect(again["replayed"] as? Bool == true)
        #expect(till.jobEvents(job).last?["state"] as? String == "completed")

        #expect(setup.flaky.waitForJobs(1))
        #expect(setup.flaky.jobs == [try ReceiptGateway.expectedBytes(receipt, model: "generic-58mm")])
        // CUPS saw two jobs for this receipt (the cancelled one and the retry) and no third.
        let history = try setup.cups.lp("lpstat", ["-W", "all", "-o", "flaky"])
        #expect(history.split(separator: "\n").count == 2, "\(history)")
    }

    @Test("100 receipts from 4 tills at once all arrive, none mixed")
    func hundredFromFourTills() throws {
        let setup = try ReceiptGateway()
        var expected: [Data] = []
        for till in 1...4 {
            for number in 1...25 {
                expected.append(
                    try ReceiptGateway.expectedBytes(ReceiptGateway.receipt(till: "\(till)", number: number)))
            }
        }
        let problems = Problems()
        let socket = setup.gateway.socket
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            do {
                let till = TillConnection(try UnixLineClient(path: socket))
                for number in 1...25 {
                    let answer = try till.request(
                        "receipt.print",
                        [
                            "printer": "till-1",
                            "receipt": ReceiptGateway.receipt(till: "\(index + 1)", number: number),
                            "key": "\(index + 1)/\(number)",
                        ])
                    if answer["ok"] as? Bool != true { problems.add("\(answer)") }
                }
            } catch {
                problems.add("till \(index + 1): \(error)")
            }
        }
        #expect(problems.all.isEmpty, "\(problems.all)")
        #expect(setup.printer.waitForJobs(100), "\(setup.printer.jobs.count) arrived")
        // Each arrival is exactly one of the 100 receipts, and each receipt arrived once.
        #expect(setup.printer.jobs.count == 100)
        #expect(Set(setup.printer.jobs) == Set(expected))
    }

    @Test("Bad input gets a clear error and leaves the gateway unharmed")
    func badInput() throws {
        let setup = try ReceiptGateway()
        let till = try setup.gateway.till()
        try till.subscribe()
        let receipt = ReceiptGateway.receipt()
        #expect(
            try till.request("receipt.print", ["printer": "nowhere", "receipt": receipt]).errorCode == "unknown-printer"
        )
        #expect(
            try till.request("receipt.print", ["printer": "odd-model", "receipt": receipt]).errorCode
                == "unknown-printer-model")
        let logo = try till.request("receipt.print", ["printer": "bad-logo", "receipt": receipt])
        #expect(logo.errorCode == "invalid-logo")
        #expect(((logo["error"] as? [String: Any])?["message"] as? String)?.contains("is not a PNG file") == true)
        var badAmount = receipt
        badAmount["lines"] = [["description": "x", "amount": 1.5]]
        #expect(
            try till.request("receipt.print", ["printer": "till-1", "receipt": badAmount]).errorCode
                == "invalid-receipt")
        var thousandOne = receipt
        thousandOne["lines"] = Array(repeating: ["description": "x", "amount": "1.00"], count: 1001)
        #expect(
            try till.request("receipt.print", ["printer": "till-1", "receipt": thousandOne]).errorCode
                == "invalid-receipt")

        // Invalid UTF-8: a bad request, and the connection stays usable.
        try till.client.send(
            Array(#"{"id":90,"op":"receipt.print","printer":"till-1","receipt":{"lines":[{"description":"Caf"#.utf8) + [
                0xC3, 0x28,
            ] + Array(#"","amount":"1.00"}]}}"#.utf8) + [0x0A])
        let invalid = json(try #require(try till.client.readLine()))
        #expect(invalid.errorCode == "bad-request")

        // 10,000 lines are more than a request line may hold: frame-too-large, that connection closes.
        let other = try setup.gateway.till()
        var huge = receipt
        huge["lines"] = Array(repeating: ["description": "x", "amount": "1.00"], count: 10_000)
        // The gateway answers frame-too-large and closes; the till may see only the close while
        // it is still sending the rest of its line.
        let tooLarge = try? other.request("receipt.print", ["printer": "till-1", "receipt": huge])
        #expect(tooLarge == nil || tooLarge?.errorCode == "frame-too-large")

        // Nothing was printed, and the gateway still prints.
        let answer = try till.request("receipt.print", ["printer": "till-1", "receipt": receipt, "key": "after"])
        let events = till.jobEvents(try #require(answer["job"] as? String))
        #expect(events.last?["state"] as? String == "completed")
        #expect(setup.printer.waitForJobs(1))
        #expect(setup.printer.jobs == [try ReceiptGateway.expectedBytes(receipt)])
    }
}

/// Problems gathered from several till threads.
final class Problems: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ problem: String) { lock.withLock { list.append(problem) } }
    var all: [String] { lock.withLock { list } }
}
