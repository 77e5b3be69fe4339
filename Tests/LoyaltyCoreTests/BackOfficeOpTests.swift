import Foundation
import LoyalgateProtocol
import LoyaltyCore
import LoyaltyDomain
import LoyaltyStore
import Testbed
import Testing

/// The back office's dashboard figures and audit log (issue 14).
@Suite struct BackOfficeOpTests {
    @Test(arguments: StoreKind.available) func theSummaryCountsTodayAndThisMonthInTheMerchantsTimeZone(
        _ kind: StoreKind
    ) async throws {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        let (a, b) = (core.card("2990001", 1), core.card("2990001", 2))
        try await core.addCards(merchant: nil, numbers: [try CardNumber(a), try CardNumber(b)])
        func earn(_ card: String, _ receipt: String, _ amount: String, at: String) async throws {
            _ = try await core.ok(
                CoreOp.TxnEarn.self,
                .init(card: card, till: "t", receipt: receipt, lines: [.init(sku: "x", amount: amount)], at: at),
                as: InProcessCore.till)
        }
        // 23:30 UTC on 23 November is 00:30 on the 24th in Amsterdam: today, not yesterday.
        try await earn(a, "R1", "10.00", at: "2026-11-23T23:30:00Z")
        try await earn(a, "R2", "5.00", at: "2026-11-22T10:00:00Z")  // this month, not today
        try await earn(b, "R3", "7.00", at: "2026-10-31T10:00:00Z")  // last month
        _ = try await core.ok(
            CoreOp.TxnRedeem.self, .init(card: a, till: "t", receipt: "R4", points: 4, at: "2026-11-24T09:00:00Z"),
            as: InProcessCore.till)
        _ = try await core.ok(
            CoreOp.TxnReturn.self,
            .init(
                till: "t", receipt: "R5", original: .init(till: "t", receipt: "R2"),
                lines: [.init(sku: "x", amount: "5.00")], at: "2026-11-24T09:30:00Z"), as: InProcessCore.till)

        let summary = try await core.ok(CoreOp.ReportSummary.self, .init(at: "2026-11-24T12:00:00Z"))
        #expect(summary.merchant == "apotheek-de-linde" && summary.currency == "EUR")
        #expect(summary.timeZone == "Europe/Amsterdam")
        #expect(
            summary.today
                == .init(
                    from: "2026-11-24", earns: 1, pointsEarned: 10, redeems: 1, pointsRedeemed: 4,
                    discountRedeemed: "0.00", returns: 1))
        #expect(summary.month.from == "2026-11-01")
        #expect(summary.month.earns == 2 && summary.month.pointsEarned == 15 && summary.month.returns == 1)
        #expect(summary.activeCards == 2)
        // 10 + 5 + 7 earned, 4 redeemed, 5 returned.
        #expect(summary.pointsOutstanding == 13)
        #expect(summary.discountOutstanding == "0.00")
        // A month without a redeem still shows its discount in the currency's digits.
        let quiet = try await core.ok(CoreOp.ReportSummary.self, .init(at: "2026-09-15T12:00:00Z"))
        #expect(quiet.month.earns == 0 && quiet.month.discountRedeemed == "0.00")
    }

    @Test(arguments: StoreKind.available) func theAuditLogKeepsWhoDidWhatNewestFirst(_ kind: StoreKind) async throws {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        let first = try await core.ok(
            CoreOp.AuditAppend.self, .init(user: "anna", action: "card.block", subject: "2990001000018", detail: "lost")
        )
        #expect(first.user == "anna" && first.detail == "lost")
        _ = try await core.ok(
            CoreOp.AuditAppend.self, .init(user: "kees", action: "customer.erase", subject: "customer:4"))
        let log = try await core.ok(CoreOp.AuditList.self, .init())
        #expect(log.entries.map(\.action) == ["customer.erase", "card.block"])
        #expect(log.entries.map(\.user) == ["kees", "anna"])
        #expect(try await core.ok(CoreOp.AuditList.self, .init(limit: 1)).entries.count == 1)
    }

    @Test(arguments: StoreKind.available) func theAuditLogRefusesControlCharactersAndTills(_ kind: StoreKind)
        async throws
    {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        #expect(
            await core.refusal(CoreOp.AuditAppend.self, .init(user: "anna\u{1B}[2J", action: "x", subject: "y"))
                == .badRequest)
        #expect(await core.refusal(CoreOp.AuditAppend.self, .init(user: "", action: "x", subject: "y")) == .badRequest)
        #expect(await core.refusal(CoreOp.AuditList.self, .init(limit: 0)) == .badRequest)
        #expect(
            await core.refusal(
                CoreOp.AuditAppend.self, .init(user: "t", action: "x", subject: "y"), as: InProcessCore.till)
                == .forbidden)
        #expect(await core.refusal(CoreOp.AuditList.self, .init(), as: InProcessCore.till) == .forbidden)
        #expect(await core.refusal(CoreOp.ReportSummary.self, .init(), as: InProcessCore.till) == .forbidden)
    }
}

/// A new program from the back office (`program.import`) and its versions (`program.versions`).
@Suite struct ProgramOpTests {
    static let dutch = try! String(
        contentsOf: InProcessCore.examples.appendingPathComponent("dutch-pharmacy.json"), encoding: .utf8)

    @Test(arguments: StoreKind.available) func aChangedProgramIsTheNextVersionAndAnUnchangedOneIsNot(_ kind: StoreKind)
        async throws
    {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        let changed = Self.dutch.replacingOccurrences(of: "\"per\": \"1.00\"", with: "\"per\": \"2.00\"")
        let imported = try await core.ok(CoreOp.ProgramImport.self, .init(file: changed))
        #expect(imported == ProgramImportAnswer(merchant: "apotheek-de-linde", version: 2, created: true))
        let again = try await core.ok(CoreOp.ProgramImport.self, .init(file: changed))
        #expect(again.created == false && again.version == 2)
        let versions = try await core.ok(CoreOp.ProgramVersions.self, .init())
        #expect(versions.versions.map(\.version) == [2, 1])
        #expect(versions.current.program.points?.per == "2.00")
        // Earns from now on use version 2: 10.00 earns 5 points.
        let card = core.card("2990001", 1)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)])
        let earn = try await core.ok(
            CoreOp.TxnEarn.self, .init(card: card, till: "t", receipt: "R1", lines: [.init(sku: "x", amount: "10.00")]),
            as: InProcessCore.till)
        #expect(earn.points == 5)
    }

    @Test(arguments: StoreKind.available) func theCheckersSentenceComesBackAndNothingIsStored(_ kind: StoreKind)
        async throws
    {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        let result = await core.call(
            CoreOp.ProgramImport.self, .init(file: Self.dutch.replacingOccurrences(of: "\"EUR\"", with: "\"EURO\"")))
        guard case .failure(let error) = result else {
            Issue.record("a wrong currency was stored")
            return
        }
        #expect(error.code == .badRequest)
        #expect(error.message.hasPrefix("merchant.currency:"))
        #expect(try await core.ok(CoreOp.ProgramVersions.self, .init()).versions.count == 1)
        #expect(await core.refusal(CoreOp.ProgramImport.self, .init(file: "{")) == .badRequest)
        #expect(
            await core.refusal(CoreOp.ProgramImport.self, .init(file: Self.dutch), as: InProcessCore.till) == .forbidden
        )
    }

    @Test(arguments: StoreKind.available) func aCallerBoundToAMerchantImportsOnlyItsOwnProgram(_ kind: StoreKind)
        async throws
    {
        let bound = CoreService.Caller(uid: 6000, gid: 6000)
        let core = try await InProcessCore.open(
            kind, programs: ["dutch-pharmacy", "german-shop"],
            policy: AccessPolicy(callers: [.init(uid: 6000, role: .backOffice, merchant: "markt-lindenhof")]))
        #expect(await core.refusal(CoreOp.ProgramImport.self, .init(file: Self.dutch), as: bound) == .forbidden)
        #expect(
            try await core.ok(CoreOp.ProgramVersions.self, .init(merchant: "apotheek-de-linde")).versions.count == 1)
    }
}

/// The merchant's CSV files page by page (`export.page`), as the back office streams them.
@Suite struct ExportPageTests {
    @Test(arguments: StoreKind.available) func theLedgerComesInPagesWithTheSalesLines(_ kind: StoreKind) async throws {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        let card = core.card("2990001", 1)
        try await core.addCards(merchant: nil, numbers: [try CardNumber(card)])
        for receipt in ["R1", "R2", "R3"] {
            _ = try await core.ok(
                CoreOp.TxnEarn.self,
                .init(card: card, till: "t", receipt: receipt, lines: [.init(sku: "SKU-\(receipt)", amount: "2.00")]),
                as: InProcessCore.till)
        }
        var csv = ""
        var after: Int64?
        var pages = 0
        repeat {
            let page = try await core.ok(CoreOp.ExportPage.self, .init(file: "ledger", after: after, limit: 2))
            csv += page.csv
            after = page.next
            pages += 1
        } while after != nil && pages < 10
        #expect(pages == 2)
        let lines = csv.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(csv)")
        #expect(lines.first?.hasSuffix(",prepaid,stamps,sale_lines") == true)
        #expect(lines.filter { $0.hasPrefix("id,") }.count == 1, "the header comes once")
        #expect(lines[1].contains("SKU-R1") && lines[3].contains("SKU-R3"))
    }

    @Test(arguments: StoreKind.available) func onlyTheBackOfficeExportsAndOnlyTheThreeFiles(_ kind: StoreKind)
        async throws
    {
        let core = try await InProcessCore.open(kind, programs: ["dutch-pharmacy"])
        #expect(await core.refusal(CoreOp.ExportPage.self, .init(file: "keys")) == .badRequest)
        #expect(await core.refusal(CoreOp.ExportPage.self, .init(file: "cards", limit: 0)) == .badRequest)
        #expect(
            await core.refusal(CoreOp.ExportPage.self, .init(file: "customers"), as: InProcessCore.till) == .forbidden)
        let empty = try await core.ok(CoreOp.ExportPage.self, .init(file: "cards"))
        #expect(empty.rows == 0 && empty.next == nil)
        #expect(empty.csv.hasPrefix("number,status,account"))
    }
}
