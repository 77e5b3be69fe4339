import Foundation
import LoyalgateProtocol
import ShopRelay
import Testing

/// The relay's decisions, without sockets: which ops are queued, forwarded or refused.
@Suite struct RelayRulesTests {
    @Test func earnsAreTheOnlyOpsThatMayBeQueued() {
        #expect(RelayRules.route(op: "txn.earn") == .earn)
        for op in ["txn.redeem", "txn.return", "prepaid.pay", "prepaid.load", "card.lookup", "core.status"] {
            #expect(RelayRules.route(op: op) == .forward, "\(op)")
        }
        #expect(RelayRules.route(op: "relay.status") == .status)
    }

    @Test func backOfficeOpsAreRefusedAtTheShopWithASentence() {
        for op in CoreOp.all where op.role == .backOffice {
            guard case .refuse(let error) = RelayRules.route(op: op.name) else {
                Issue.record("\(op.name) is not refused")
                continue
            }
            #expect(error.code == .forbidden)
            #expect(error.message.contains("back-office"))
        }
    }

    @Test func offlineRedeemsReturnsAndPrepaidPaymentsAreRefusedWithCoreUnavailable() {
        let redeem = RelayRules.offlineRefusal(op: "txn.redeem")
        #expect(redeem.code == .coreUnavailable)
        #expect(redeem.message.contains("cannot be redeemed"))
        #expect(RelayRules.offlineRefusal(op: "prepaid.pay").message.contains("another means of payment"))
        #expect(RelayRules.offlineRefusal(op: "txn.return").message.contains("keep the receipt"))
        #expect(RelayRules.offlineRefusal(op: "card.lookup").code == .coreUnavailable)
    }

    @Test func anEarnWaitsBehindEarlierQueuedEarnsSoTheyArriveInOrder() {
        #expect(!RelayRules.earnJoinsQueue(depth: 0))
        #expect(RelayRules.earnJoinsQueue(depth: 1))
    }

    @Test func onlyPassingRefusalsAreRetriedTheRestBecomeDeadLetters() {
        #expect(RelayRules.isPassing(.coreUnavailable))
        #expect(RelayRules.isPassing(.diskFull))
        #expect(!RelayRules.isPassing(.receiptReused))
        #expect(!RelayRules.isPassing(.unknownCard))
    }
}

/// The queue on a real SQLite file, as the relay uses it.
@Suite final class EarnQueueTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("relay-\(UUID().uuidString)").path

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    func earn(_ receipt: String, amount: String = "10.00", at: String? = nil) -> CoreOp.TxnEarn.Parameters {
        .init(card: "2990001000018", till: "t1", receipt: receipt, lines: [.init(sku: "x", amount: amount)], at: at)
    }

    @Test func aQueuedEarnIsAnsweredQueuedWithTheSaleTimeAndNoBalances() throws {
        let queue = try EarnQueue(folder: folder)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        guard case .queued(let answer) = try queue.enqueue(earn("R1"), now: now) else {
            Issue.record("not queued")
            return
        }
        #expect(answer.queued && answer.kind == "earn" && !answer.replayed)
        #expect(answer.at == "2026-09-21T14:13:20Z")
        let line = String(decoding: Frame.success(id: .number(7), answer), as: UTF8.self)
        #expect(!line.contains("account") && !line.contains("points") && line.contains(#""queued":true"#))
        #expect(try queue.oldest()?.request.at == "2026-09-21T14:13:20Z")
    }

    @Test func aRetryWhileQueuedGetsTheSameAnswerAndIsNotQueuedTwice() throws {
        let queue = try EarnQueue(folder: folder)
        guard case .queued(let first) = try queue.enqueue(earn("R1")) else {
            Issue.record("not queued")
            return
        }
        guard case .replayed(let again) = try queue.enqueue(earn("R1")) else {
            Issue.record("not replayed")
            return
        }
        #expect(again.at == first.at && again.replayed)
        #expect(try queue.counts().queued == 1)
    }

    @Test func anotherSaleWithTheSameReceiptIsReceiptReused() throws {
        let queue = try EarnQueue(folder: folder)
        _ = try queue.enqueue(earn("R1"))
        guard case .reused(let error) = try queue.enqueue(earn("R1", amount: "99.00")) else {
            Issue.record("not refused")
            return
        }
        #expect(error.code == .receiptReused)
        #expect(try queue.counts().queued == 1)
    }

    @Test func deliveredEarnsLeaveTheQueueInOrderAndRefusedOnesAreKeptAside() throws {
        let queue = try EarnQueue(folder: folder)
        for receipt in ["R1", "R2", "R3"] { _ = try queue.enqueue(earn(receipt)) }
        let first = try #require(try queue.oldest())
        #expect(first.request.receipt == "R1")
        try queue.markDelivered(first.seq)
        let second = try #require(try queue.oldest())
        #expect(second.request.receipt == "R2")
        try queue.deadLetter(second.seq, LoyaltyError(.unknownCard, "No such card."))
        #expect(try queue.oldest()?.request.receipt == "R3")
        let counts = try queue.counts()
        #expect(counts.queued == 1 && counts.delivered == 1 && counts.dead == 1)
        // A retry of the refused one gets the core's refusal; of the delivered one, the request
        // with the `at` the core holds.
        #expect(try queue.repeatOf(earn("R2")) == .refused(LoyaltyError(.unknownCard, "No such card.")))
        guard case .delivered(let request) = try queue.repeatOf(earn("R1")) else {
            Issue.record("not delivered")
            return
        }
        #expect(request.at != nil)
    }

    @Test func theQueueSurvivesReopeningIsPrivateAndFsyncsEachCommit() throws {
        do { _ = try EarnQueue(folder: folder).enqueue(earn("R1")) }
        let queue = try EarnQueue(folder: folder)
        #expect(try queue.counts().queued == 1)
        let attributes = try FileManager.default.attributesOfItem(atPath: queue.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let settings = try queue.settings()
        #expect(settings.journalMode == "wal" && settings.synchronous == 2)
    }
}
