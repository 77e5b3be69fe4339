import Foundation
import LoyalgateClient
import LoyalgateProtocol
import LoyaltyDomain
import Testbed
import Testing

/// A card's whole life and households, through the real core binary and the typed client, on
/// both stores (SQLite and PostgreSQL: `StoreKind`).
@Suite struct CardLifeTests {
    func earn(_ core: LoyalgateClient, _ card: String, _ receipt: String, _ amount: String, at: String? = nil) throws
        -> TxnAnswer
    {
        try core.call(
            CoreOp.TxnEarn.self,
            .init(card: card, till: "t1", receipt: receipt, lines: [.init(sku: "x", amount: amount)], at: at))
    }

    /// The contract's error code of a call that must fail.
    func refusal<Answer>(_ call: () throws -> Answer) -> LoyaltyError.Code? {
        do {
            _ = try call()
            return nil
        } catch let error as LoyaltyError {
            return error.code
        } catch {
            return .internalError
        }
    }

    /// Belgian regulation, article 10, through the real binary: a lost card's fee with 3.00 of
    /// discount (below the 5.00 threshold) is paid at the till; a misuse fee with 7.00 comes
    /// off the balance.
    @Test(arguments: StoreKind.available)
    func aBelgianFeeIsPaidAtTheTillWhileTheDiscountIsBelowTheThreshold(_ kind: StoreKind) throws {
        let old = card("2755", 31)
        let core = try StoreCore(kind, programs: ["belgian-pharmacy"], cards: [old])
        let client = try core.typedClient()
        #expect(try earn(client, old, "b1", "150.00", at: "2026-11-24T10:00:00Z").account.balance == "3.00")
        let lost = try client.call(CoreOp.CardReplace.self, .init(card: old, reason: "lost"))
        #expect(lost.fee == ReplaceAnswer.Fee(amount: "2.00", paidFrom: .till))
        #expect(lost.account.balance == "3.00")
        let new = lost.card.number
        #expect(try earn(client, new, "b2", "200.00", at: "2026-11-24T11:00:00Z").account.balance == "7.00")
        let misuse = try client.call(CoreOp.CardReplace.self, .init(card: new, reason: "misuse"))
        #expect(misuse.fee == ReplaceAnswer.Fee(amount: "2.00", paidFrom: .balance))
        #expect(try client.call(CoreOp.CardLookup.self, .init(card: misuse.card.number)).account.balance == "5.00")
        #expect(core.terminate() == 0)
        let verified = try core.verify()
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    }

    @Test(arguments: StoreKind.available) func issuedActiveBlockedReplacedWithTheBalanceAndTheFee(_ kind: StoreKind)
        throws
    {
        let old = card("2990001", 21)
        let core = try StoreCore(kind, programs: ["dutch-pharmacy"], issued: [old])
        let client = try core.typedClient()

        #expect(refusal { try earn(client, old, "r0", "5.00") } == .cardNotActive)
        #expect(try client.call(CoreOp.CardActivate.self, .init(card: old)).card.status == .active)
        #expect(try earn(client, old, "r1", "40.00").points == 40)

        #expect(try client.call(CoreOp.CardBlock.self, .init(card: old, reason: "lost")).card.status == .blocked)
        #expect(refusal { try earn(client, old, "r2", "5.00") } == .cardBlocked)

        let replaced = try client.call(CoreOp.CardReplace.self, .init(card: old, reason: "lost"))
        let new = replaced.card.number
        #expect(new.count == 13 && new != old)
        #expect(replaced.account.points == 40)
        #expect(replaced.fee == ReplaceAnswer.Fee(amount: "2.00", paidFrom: .till))

        // The balance is on the new card; the old number is retired for good.
        #expect(try earn(client, new, "r3", "10.00").account.points == 50)
        #expect(try client.call(CoreOp.CardLookup.self, .init(card: old)).card.status == .replaced)
        #expect(refusal { try earn(client, old, "r4", "5.00") } == .cardBlocked)
        #expect(refusal { try client.call(CoreOp.CardReplace.self, .init(card: old, reason: "lost")) } == .cardBlocked)

        // The fee is an entry in the ledger, beside the earns, each with the card that made it.
        let entries = try client.call(CoreOp.AccountHistory.self, .init(card: new)).entries
        #expect(entries.map(\.kind) == ["earn", "fee", "earn"])
        #expect(entries.map(\.card) == [new, new, old])
        #expect(entries[1].shortfallAmount == "2.00")
        let mistyped = String(new.dropLast()) + String((Int(String(new.last!))! + 1) % 10)
        #expect(
            refusal { try client.call(CoreOp.CardReplace.self, .init(card: new, reason: "worn", newCard: mistyped)) }
                == .invalidCardNumber)
        #expect(try client.call(CoreOp.CardReplace.self, .init(card: new, reason: "worn")).fee == nil)
        #expect(core.terminate() == 0)
        let verified = try core.verify()
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    }

    /// Membership later, through the real binary: double from the change on, a late sale dated
    /// before it earns single, and history shows the change.
    @Test(arguments: StoreKind.available) func aCooperativeMembershipCountsFromItsTimeOn(_ kind: StoreKind) throws {
        let number = card("2910", 32)
        let core = try StoreCore(kind, programs: ["bulgarian-coop"], cards: [number])
        let client = try core.typedClient()
        let before = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-600))
        #expect(try earn(client, number, "m1", "5.00").points == 10)
        #expect(try client.call(CoreOp.CardLookup.self, .init(card: number)).member == false)
        #expect(try client.call(CoreOp.MembershipSet.self, .init(card: number, member: true)).member)
        #expect(try earn(client, number, "m2", "5.00").points == 20)
        #expect(try earn(client, number, "m3", "5.00", at: before).points == 10)
        let changes = try client.call(CoreOp.AccountHistory.self, .init(card: number)).changes
        #expect(changes?.map(\.kind) == ["membership"] && changes?.first?.member == true)
        #expect(core.terminate() == 0)
        let verified = try core.verify()
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    }

    /// Article 7, through the real binary: the person is detached, the till sees no customer, the
    /// record is still found and the card keeps its points.
    @Test(arguments: StoreKind.available) func aPersonIsDetachedFromTheCardWithoutBeingErased(_ kind: StoreKind)
        throws
    {
        let number = card("2990001", 51)
        let core = try StoreCore(kind, programs: ["dutch-pharmacy"], cards: [number])
        let client = try core.typedClient()
        let details = CustomerDetails(name: "Bram de Vries", email: "bram@example.nl")
        let bram = try client.call(CoreOp.CustomerRegister.self, .init(details: details, card: number))
        _ = try earn(client, number, "d1", "12.00")
        // The pharmacy's own patient number on the card, shown to its till.
        _ = try client.call(CoreOp.CardLinkPatient.self, .init(card: number, patientRef: "PAT-0042"))
        let linked = try client.call(CoreOp.CardLookup.self, .init(card: number))
        #expect(linked.customer != nil && linked.patientRef == "PAT-0042")
        #expect(
            refusal { try client.call(CoreOp.CardLinkPatient.self, .init(card: number, patientRef: "PAT\u{7}")) }
                == .badRequest)
        let detached = try client.call(CoreOp.CardDetach.self, .init(card: number))
        #expect(detached.customer == nil && detached.patientRef == nil)
        let lookup = try client.call(CoreOp.CardLookup.self, .init(card: number))
        #expect(lookup.customer == nil && lookup.patientRef == nil && lookup.account.points == 12)
        let found = try client.call(CoreOp.CustomerFind.self, .init(email: "bram@example.nl")).customers
        #expect(found.map(\.id) == [bram.id] && found.first?.cards.isEmpty == true)
        #expect(
            try client.call(CoreOp.AccountHistory.self, .init(card: number)).changes?.map(\.kind) == ["detach"])
        #expect(core.terminate() == 0)
        let verified = try core.verify()
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    }

    @Test(arguments: StoreKind.available) func aCooperativeCardEarnsOnlyAfterItsActivationDelay(_ kind: StoreKind)
        throws
    {
        let number = card("2910", 31)
        let core = try StoreCore(kind, programs: ["bulgarian-coop"], issued: [number])
        let client = try core.typedClient()
        let activated = try client.call(CoreOp.CardActivate.self, .init(card: number))
        #expect(activated.card.status == .issued)
        #expect(activated.activeFrom != nil)
        #expect(refusal { try earn(client, number, "r1", "5.00") } == .cardNotActive)
        // A sale dated after the delay (a till catching up) earns.
        let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(25 * 3600))
        #expect(try earn(client, number, "r2", "5.00", at: later).points == 10)
    }

    @Test(arguments: StoreKind.available)
    func aHouseholdPoolsAndSplitsAndTheLedgerShowsWhichCardEarned(_ kind: StoreKind) throws {
        let anna = card("2990001", 41), boris = card("2990001", 42)
        let core = try StoreCore(kind, programs: ["dutch-pharmacy"], cards: [anna, boris])
        let client = try core.typedClient()
        _ = try earn(client, anna, "a1", "30.00")
        _ = try earn(client, boris, "b1", "12.00")

        let pooled = try client.call(CoreOp.AccountPool.self, .init(card: boris, into: anna))
        #expect(pooled.account.points == 42)
        #expect(pooled.cards.count == 2)
        // Each card keeps its number; both earn onto the household account.
        _ = try earn(client, boris, "b2", "8.00")
        #expect(try client.call(CoreOp.CardLookup.self, .init(card: anna)).account.points == 50)
        let entries = try client.call(CoreOp.AccountHistory.self, .init(card: anna)).entries
        let earnedBy = entries.filter { $0.kind == "earn" }.map { "\($0.card):\($0.points)" }
        #expect(Set(earnedBy) == ["\(anna):30", "\(boris):8"])
        #expect(entries.contains { $0.kind == "transfer-in" && $0.card == boris && $0.points == 12 })

        let split = try client.call(CoreOp.AccountSplit.self, .init(card: boris, points: 10))
        #expect(split.account.points == 10)
        #expect(try client.call(CoreOp.CardLookup.self, .init(card: anna)).account.points == 40)
        #expect(refusal { try client.call(CoreOp.AccountSplit.self, .init(card: anna, points: 1000)) } == .badRequest)
        #expect(core.terminate() == 0)
        let verified = try core.verify()
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    }
}
