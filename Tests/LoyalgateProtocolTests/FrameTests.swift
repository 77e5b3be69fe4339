import Foundation
import LoyalgateProtocol
import LoyaltyDomain
import Testing

@Suite struct FrameTests {
    @Test func aRequestIsOneFlatLineWithIdOpAndParameters() throws {
        let line = Frame.request(CoreOp.CardLookup.self, id: .number(3), .init(card: "2990001000018"))
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(
            String(decoding: line.dropLast(), as: UTF8.self) == #"{"card":"2990001000018","id":3,"op":"card.lookup"}"#)
        let request = try Request.parse(line.dropLast()).get()
        #expect(request.op == "card.lookup" && request.id == .number(3))
        #expect(try request.parameters(of: CoreOp.CardLookup.self) == .init(card: "2990001000018"))
    }

    @Test func anAnswerIsReadBackAsItsTypeOrItsError() throws {
        let answer = CardLookupAnswer(
            card: CardView(number: "2990001000018", status: .issued),
            account: AccountView(id: nil, points: 0, balance: "0.00", currency: "EUR"),
            customer: nil, patientRef: nil, member: false)
        let line = Frame.success(id: .text("a"), answer)
        // The contract shows customer and patientRef as null.
        #expect(String(decoding: line, as: UTF8.self).contains(#""customer":null"#))
        let read = Frame.answer(CardLookupAnswer.self, from: line)
        #expect(read.id == .text("a"))
        #expect(try read.result.get() == answer)

        let refused = Frame.answer(
            CardLookupAnswer.self, from: Frame.failure(id: .number(1), LoyaltyError(.unknownCard, "Not ours.")))
        #expect(throws: LoyaltyError(.unknownCard, "Not ours.")) { try refused.result.get() }
        let garbage = Frame.answer(CardLookupAnswer.self, from: Data("not json".utf8))
        #expect(throws: LoyaltyError.self) { try garbage.result.get() }
    }

    /// An earn's answer goes on the wire from the JSON the core stored for replays (encoded once),
    /// and reads back as the same answer, with `programEnds` beside it and the till's own id.
    @Test func aTillTransactionsAnswerIsSentFromItsStoredJSON() throws {
        var answer = TxnAnswer(
            txn: 41, kind: "earn", card: "2990001000018", points: 12, discount: "0.50",
            account: AccountView(id: 7, points: 112, balance: "3.50", currency: "EUR"), at: "2026-11-30T10:00:00Z",
            redeemed: nil, shortfall: nil, replayed: false)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Marked, so the line shows which bytes it was made from.
        var stored = try encoder.encode(answer)
        stored.insert(contentsOf: Data(" ".utf8), at: 1)
        answer.keep(storedJSON: stored)
        answer.programEnds = "2027-06-30"
        for id in [RequestID.number(9), .text("till \"3\""), nil] {
            let line = Frame.success(id: id, answer)
            #expect(line.last == UInt8(ascii: "\n"))
            #expect(line.range(of: stored.dropFirst()) != nil)
            let read = Frame.answer(TxnAnswer.self, from: line)
            #expect(read.id == id)
            #expect(try read.result.get() == answer)
            #expect(try read.result.get().programEnds == "2027-06-30")
        }
        // A changed answer no longer matches its stored JSON: it is encoded anew.
        var changed = answer
        changed.points = 13
        let line = Frame.success(id: .number(1), changed)
        #expect(line.range(of: stored.dropFirst()) == nil)
        #expect(try Frame.answer(TxnAnswer.self, from: line).result.get().points == 13)
    }

    @Test func anEventLineCarriesItsFieldsBesideEventSeqAndCursor() throws {
        let device = Device(
            id: "0c2e:0b81:1", vendorId: "0c2e", productId: "0b81", name: "Honeywell", mode: "keyboard",
            node: "/dev/input/event5", family: "honeywell", layout: "us", grabbed: true)
        let scan = ScanEvent(
            device: device, at: "2026-11-22T00:05:02Z", symbology: "EAN-13", data: "4006381333931", kind: .other,
            card: nil, error: nil, scanId: 9, resent: nil)
        let line = EventLine(seq: 1, cursor: 2, replayed: nil, event: .scan(scan))
        let text = String(decoding: Frame.event(line), as: UTF8.self)
        #expect(
            text.hasPrefix(#"{"at":"2026-11-22T00:05:02Z","card":null,"cursor":2,"data":"4006381333931","device":{"#))
        #expect(text.contains(#""event":"scan""#) && text.contains(#""error":null"#) && !text.contains("resent"))
        #expect(try JSONDecoder().decode(EventLine.self, from: Data(text.utf8)) == line)
        // The same device object in device.added.
        let added = EventLine(seq: 2, cursor: 3, replayed: true, event: .deviceAdded(DeviceAdded(device: device)))
        #expect(try JSONDecoder().decode(EventLine.self, from: Frame.event(added)) == added)
    }

    @Test func aRuleViolationBecomesTheContractsCode() {
        #expect(LoyaltyError(RuleViolation(.invalidCardNumber, "x")).code == .invalidCardNumber)
        #expect(LoyaltyError(RuleViolation(.invalidInput, "x")).code == .badRequest)
        for rule in RuleViolation.Rule.allCases {
            #expect(LoyaltyError(RuleViolation(rule, "x")).code != .internalError)
        }
    }
}
