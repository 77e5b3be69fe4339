import Foundation
import LoyalgateProtocol
import LoyaltyCore
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

/// Callers and requests a till PC shared with staff, customers and other programs can produce:
/// users without a rule, group memberships, odd identifiers, impossible times, huge balances.
@Suite struct HostileRequestTests {
    static let stranger = CoreService.Caller(uid: 6000, gid: 6000)

    @Test(arguments: StoreKind.available) func aCallerNoRuleNamesGetsNothingAndIsToldWhichRuleToAdd(_ kind: StoreKind)
        async throws
    {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        let card = core.card("2990001", 1)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)])
        let refused = await core.call(CoreOp.CardLookup.self, .init(card: card), as: Self.stranger)
        guard case .failure(let error) = refused else {
            Issue.record("a caller without a rule read a card")
            return
        }
        #expect(error.code == .forbidden)
        #expect(error.message.contains("uid 6000") && error.message.contains("\"callers\""), "\(error.message)")
        #expect(await core.refusal(CoreOp.CoreStatus.self, NoParameters(), as: Self.stranger) == .forbidden)
        #expect(
            await core.refusal(
                CoreOp.TxnEarn.self,
                .init(card: card, till: "t", receipt: "R1", lines: [.init(sku: "a", amount: "5.00")]),
                as: Self.stranger) == .forbidden)
    }

    @Test(arguments: StoreKind.available) func anExplicitDefaultGrantsItsRoleToCallersNoRuleNames(_ kind: StoreKind)
        async throws
    {
        let policy = AccessPolicy(callers: [], default: .init(role: .till, merchant: "apotheek-de-linde"))
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy", "bulgarian-coop"], policy: policy)
        let status = try await core.ok(CoreOp.CoreStatus.self, NoParameters(), as: Self.stranger)
        #expect(status.role == .till && status.merchants.map(\.code) == ["apotheek-de-linde"])
    }

    @Test(arguments: StoreKind.available) func aGroupRuleBindsThroughASupplementaryGroupWhicheverGroupIsPrimary(
        _ kind: StoreKind
    ) async throws {
        let policy = AccessPolicy(callers: [
            .init(gid: 7000, role: .till, merchant: "coop-plovdiv"),
            .init(gid: 7100, role: .backOffice),
        ])
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy", "bulgarian-coop"], policy: policy)
        let member = CoreService.Caller(uid: 6000, gid: 6000, groups: [7000])
        let status = try await core.ok(CoreOp.CoreStatus.self, NoParameters(), as: member)
        #expect(status.role == .till && status.merchants.map(\.code) == ["coop-plovdiv"])
        // `sg 7100` makes the other group primary: the file's order still decides, not the user.
        for caller in [
            CoreService.Caller(uid: 6000, gid: 7000, groups: [7000, 7100]),
            CoreService.Caller(uid: 6000, gid: 7100, groups: [7000, 7100]),
        ] {
            #expect(try await core.ok(CoreOp.CoreStatus.self, NoParameters(), as: caller).role == .till)
            #expect(
                await core.refusal(CoreOp.CustomerGet.self, .init(customer: 1), as: caller) == .forbidden)
        }
    }

    @Test(arguments: StoreKind.available) func aPatientReferenceReachesOnlyCallersBoundToItsMerchant(_ kind: StoreKind)
        async throws
    {
        let policy = AccessPolicy(callers: [
            .init(uid: 5000, role: .till),
            .init(uid: 5001, role: .till, merchant: "apotheek-de-linde"),
            .init(uid: 5002, role: .till, merchant: "coop-plovdiv"),
        ])
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy", "bulgarian-coop"], policy: policy)
        let card = core.card("2990001", 1)
        try await core.addCards(merchant: "apotheek-de-linde", numbers: [try CardNumber(card)])
        _ = try await core.ok(
            CoreOp.CardLinkPatient.self, .init(merchant: "apotheek-de-linde", card: card, patientRef: "PAT-0042"))
        let lookup = CoreOp.CardLookup.Parameters(merchant: "apotheek-de-linde", card: card)
        #expect(try await core.ok(CoreOp.CardLookup.self, lookup).patientRef == "PAT-0042")
        #expect(
            try await core.ok(CoreOp.CardLookup.self, lookup, as: .init(uid: 5001, gid: 5001)).patientRef
                == "PAT-0042")
        // A till acting for any merchant sees the card, not the health data.
        let unbound = try await core.ok(CoreOp.CardLookup.self, lookup, as: .init(uid: 5000, gid: 5000))
        #expect(unbound.patientRef == nil && unbound.account.points == 0)
        // The other merchant's till cannot even ask.
        #expect(await core.refusal(CoreOp.CardLookup.self, lookup, as: .init(uid: 5002, gid: 5002)) == .forbidden)
    }

    func earn(
        _ core: InProcessCore, card: String, till: String = "till-1", receipt: String, qty: Int? = nil,
        at: String? = nil, sku: String = "a"
    ) async -> LoyaltyError.Code? {
        await core.refusal(
            CoreOp.TxnEarn.self,
            .init(card: card, till: till, receipt: receipt, lines: [.init(sku: sku, amount: "5.00", qty: qty)], at: at),
            as: InProcessCore.till)
    }

    @Test(arguments: StoreKind.available) func oddIdentifiersQuantitiesAndTimesAreBadRequests(_ kind: StoreKind)
        async throws
    {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        let card = core.card("2990001", 1)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)])
        let marks = "R" + String(repeating: "\u{301}", count: 20_000)
        #expect(marks.count == 1)
        #expect(await earn(core, card: card, receipt: marks) == .badRequest)
        #expect(await earn(core, card: card, receipt: "R\u{0}1") == .badRequest)
        #expect(await earn(core, card: card, till: "till\u{1B}[2J", receipt: "R1") == .badRequest)
        #expect(await earn(core, card: card, receipt: "R\u{202E}1") == .badRequest)
        #expect(await earn(core, card: card, receipt: String(repeating: "\u{4E2D}", count: 43)) == .badRequest)
        #expect(await earn(core, card: card, receipt: "R1", sku: "a\n") == .badRequest)
        #expect(await earn(core, card: card, receipt: "R1", qty: -1) == .badRequest)
        #expect(await earn(core, card: card, receipt: "R1", qty: 0) == .badRequest)
        for at in ["2026-02-30T10:00:00Z", "2026-11-24T10:00:00+99:99", "0001-01-01T00:00:00Z", "9999-01-01T00:00:00Z"]
        {
            #expect(await earn(core, card: card, receipt: "R1", at: at) == .badRequest)
        }
        // None of it was recorded; a proper receipt still earns.
        #expect(await earn(core, card: card, receipt: "R1", qty: 2, at: "2026-11-24T11:00:00+01:00") == nil)
        let history = try await core.ok(CoreOp.AccountHistory.self, .init(card: card), as: InProcessCore.till)
        #expect(history.entries.count == 1 && history.entries.first?.at == "2026-11-24T10:00:00Z")
    }

    @Test(arguments: StoreKind.available) func personalDataIsBoundedInScalarsAndFreeOfControlCharacters(
        _ kind: StoreKind
    ) async throws {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        let card = core.card("2990001", 1)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)])
        let heavy = CustomerDetails(name: "A" + String(repeating: "\u{301}", count: 20_000))
        #expect(await core.refusal(CoreOp.CustomerRegister.self, .init(details: heavy)) == .badRequest)
        let february = CustomerDetails(name: "Anna Kuipers", birthDate: "1984-02-30")
        #expect(await core.refusal(CoreOp.CustomerRegister.self, .init(details: february)) == .badRequest)
        let escape = CustomerDetails(name: "Anna Kuipers", displayName: "Anna\u{1B}[2J")
        #expect(await core.refusal(CoreOp.CustomerRegister.self, .init(details: escape)) == .badRequest)
        #expect(
            await core.refusal(
                CoreOp.CardLinkPatient.self,
                .init(card: card, patientRef: "P" + String(repeating: "\u{301}", count: 500))) == .badRequest)
    }

    @Test func anEarnPastTheBalanceLimitIsOutOfRangeAndTheCoreGoesOn() async throws {
        let core = try InProcessCore(programs: ["dutch-pharmacy"])
        let card = core.card("2990001", 1)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)])
        try (core.store as! LedgerDatabase).unsafeExecute(
            """
            INSERT INTO ledger_entry (merchant_id, account_id, card_number, kind, points, amount_minor, at, recorded_at)
            VALUES (1, 1, '\(card)', 'earn', \(Limits.balance), 0, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
            UPDATE account SET points = \(Limits.balance) WHERE id = 1;
            """)
        let answer = await core.call(
            CoreOp.TxnEarn.self,
            .init(card: card, till: "t", receipt: "R1", lines: [.init(sku: "a", amount: "5.00")]),
            as: InProcessCore.till)
        guard case .failure(let error) = answer else {
            Issue.record("an earn past the limit was recorded")
            return
        }
        #expect(error.code == .outOfRange && error.message.contains("9,007,199,254,740,991"), "\(error.message)")
        #expect(try await core.ok(CoreOp.CoreStatus.self, NoParameters(), as: InProcessCore.till).version != "")
        #expect(try await core.verify().problems.isEmpty)
    }
}
