import Foundation
import LoyalgateClient
import LoyalgateProtocol
import LoyaltyDomain
import Testbed
import Testing

/// The back office's ops (the dashboard's figures, the audit log, the CSV exports page by page)
/// through the real core binary, on both stores (`StoreKind`): what the owner's browser is shown.
@Suite struct BackOfficeSocketTests {
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

    @Test(arguments: StoreKind.available)
    func theOwnerSeesTodaysFiguresTheAuditLogAndTheExportsPageByPage(_ kind: StoreKind) throws {
        let anna = card("2990001", 61), bram = card("2990001", 62)
        let core = try StoreCore(kind, programs: ["dutch-pharmacy"], cards: [anna, bram])
        let client = try core.typedClient()
        let sale = { (card: String, receipt: String, amount: String) in
            try client.call(
                CoreOp.TxnEarn.self,
                .init(card: card, till: "t1", receipt: receipt, lines: [.init(sku: "cream", amount: amount)]))
        }
        _ = try sale(anna, "E1", "30.00")
        _ = try sale(bram, "E2", "12.00")
        _ = try client.call(CoreOp.TxnRedeem.self, .init(card: anna, till: "t1", receipt: "R1", points: 10))
        let customer = try client.call(
            CoreOp.CustomerRegister.self, .init(details: CustomerDetails(name: "Anna Jansen"), card: anna))

        let summary = try client.call(CoreOp.ReportSummary.self, .init())
        #expect(summary.merchant == "apotheek-de-linde" && summary.currency == "EUR")
        #expect(summary.today.earns == 2 && summary.today.pointsEarned == 42)
        #expect(summary.today.redeems == 1 && summary.today.pointsRedeemed == 10 && summary.today.returns == 0)
        #expect(summary.month.earns == 2 && summary.activeCards == 2 && summary.pointsOutstanding == 32)

        let blocked = try client.call(
            CoreOp.AuditAppend.self,
            .init(user: "anna", action: "card.block", subject: anna, detail: "lost at the counter"))
        _ = try client.call(
            CoreOp.AuditAppend.self, .init(user: "anna", action: "customer.export", subject: "customer:\(customer.id)"))
        let log = try client.call(CoreOp.AuditList.self, .init(limit: 10)).entries
        #expect(log.map(\.action) == ["customer.export", "card.block"])
        #expect(log.last == blocked && blocked.detail == "lost at the counter")
        #expect(try client.call(CoreOp.AuditList.self, .init(limit: 1)).entries.count == 1)
        #expect(
            refusal {
                try client.call(CoreOp.AuditAppend.self, .init(user: "anna\n", action: "card.block", subject: anna))
            } == .badRequest)
        #expect(refusal { try client.call(CoreOp.AuditList.self, .init(limit: 0)) } == .badRequest)

        // The cards one per page: the header on the first, each card once, then an empty page.
        let first = try client.call(CoreOp.ExportPage.self, .init(file: "cards", limit: 1))
        #expect(first.rows == 1 && first.csv.hasPrefix("number,status,account,customer,") && first.csv.contains(anna))
        let second = try client.call(CoreOp.ExportPage.self, .init(file: "cards", after: first.next, limit: 1))
        #expect(second.rows == 1 && !second.csv.contains("number,") && second.csv.hasPrefix(bram + ",active,"))
        let third = try client.call(CoreOp.ExportPage.self, .init(file: "cards", after: second.next, limit: 1))
        #expect(third.rows == 0 && third.csv.isEmpty)
        #expect(first.next != nil && second.next != nil && third.next == nil)
        // The customers unsealed for the owner; the ledger with each sale's lines.
        let customers = try client.call(CoreOp.ExportPage.self, .init(file: "customers"))
        #expect(customers.rows == 1 && customers.csv.contains("\(customer.id),Anna Jansen,"))
        let ledger = try client.call(CoreOp.ExportPage.self, .init(file: "ledger"))
        let lines = ledger.csv.split(separator: "\n").map(String.init)
        #expect(ledger.rows == 3 && ledger.next == nil, "\(ledger.csv)")
        #expect(lines.count == 4 && lines[1].contains(",earn,t1,E1,30,") && lines[1].contains("cream"), "\(lines)")
        #expect(lines[3].contains(",redeem,t1,R1,-10,"), "\(lines)")
        #expect(refusal { try client.call(CoreOp.ExportPage.self, .init(file: "ledger", limit: 5001)) } == .badRequest)
        #expect(core.terminate() == 0)
        let verified = try core.verify()
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    }

    /// Statistics and a segment's mailing through the real core (on PostgreSQL as the cores'
    /// own role): six customers buy, the owner sees them counted, saves a segment of those who
    /// consent to mail and mails it once.
    @Test(arguments: StoreKind.available)
    func theOwnerSeesTheStatisticsAndMailsASegmentOnce(_ kind: StoreKind) throws {
        let cards = (71...76).map { card("2990001", $0) }
        let core = try StoreCore(kind, programs: ["dutch-pharmacy"], cards: cards)
        let client = try core.typedClient()
        for (index, number) in cards.enumerated() {
            _ = try client.call(
                CoreOp.CustomerRegister.self,
                .init(
                    details: CustomerDetails(name: "C\(index)", email: "c\(index)@example.nl", gender: "female"),
                    consents: Consents(mail: index < 4, profiling: true), card: number))
            _ = try client.call(
                CoreOp.TxnEarn.self,
                .init(
                    card: number, till: "shop-1/t1", receipt: "E\(index)",
                    lines: [.init(sku: "cream", amount: "10.00", brand: "Vichy", category: "cosmetics")]))
        }
        let brands = try client.call(CoreOp.ReportStatistics.self, .init(dimension: "brand"))
        let vichy = try #require(brands.groups.first { $0.value == "Vichy" })
        #expect(vichy.buyers == 6 && vichy.sales?.receipts == 6 && vichy.sales?.amount == "60.00")
        let genders = try client.call(CoreOp.ReportStatistics.self, .init(dimension: "gender"))
        #expect(genders.groups.first { $0.value == "female" }?.customers == 6)
        let best = try client.call(CoreOp.ReportBestCustomers.self, .init(limit: 3))
        #expect(best.customers.count == 3 && best.customers.allSatisfy { $0.amount == "10.00" })
        let segment = try client.call(
            CoreOp.SegmentSave.self, .init(name: "Vichy", filter: SegmentFilter(brand: "Vichy"), user: "owner"))
        #expect(segment.count == 4)
        let members = try client.call(CoreOp.SegmentMembers.self, .init(segment: segment.id))
        #expect(members.members.map(\.name) == ["C0", "C1", "C2", "C3"])
        let mailing = try client.call(
            CoreOp.SegmentMail.self,
            .init(segment: segment.id, subject: "Spring", text: "Hello", user: "owner", key: "spring"))
        #expect(mailing.recipients == 4)
        #expect(
            try client.call(
                CoreOp.SegmentMail.self,
                .init(segment: segment.id, subject: "Spring", text: "Hello", user: "owner", key: "spring")) == mailing)
        #expect(core.terminate() == 0)
    }
}
