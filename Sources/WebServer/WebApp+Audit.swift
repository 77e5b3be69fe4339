import BackOffice
import Foundation
import Hummingbird
import Logging
import LoyalgateProtocol
import LoyaltyDomain

extension WebApp {
    /// Records what a member of staff did in the core's audit log. The action has already
    /// happened when this runs (a refused action is not logged as done); if the core cannot
    /// record it, the web's own log says so with everything the entry would have held.
    func audit(_ session: StaffSession, _ action: String, subject: String, detail: String? = nil) async {
        do {
            _ = try await core.call(
                CoreOp.AuditAppend.self,
                .init(
                    merchant: session.merchant, user: session.user, action: action, subject: subject,
                    detail: detail.map { String($0.prefix(500)) }))
        } catch {
            logger.error(
                "audit entry not recorded by the core",
                metadata: [
                    "user": "\(session.user)", "action": "\(action)", "subject": "\(subject)",
                    "merchant": "\(session.merchant)", "error": "\(error)",
                ])
        }
    }

    func auditPage(_ session: StaffSession, _ language: Language) async throws -> Response {
        let money = self.money(language)
        let answer = try await coreCall(CoreOp.AuditList.self, .init(merchant: session.merchant, limit: 200))
        let rows: [[String: Any]] = answer.entries.map {
            [
                "when": money.instant($0.at), "user": $0.user, "action": $0.action, "subject": $0.subject,
                "detail": $0.detail ?? "",
            ]
        }
        return try render(
            "audit", ["entries": rows, "hasEntries": !rows.isEmpty], session: session, language: language)
    }

    func dashboard(_ session: StaffSession, _ language: Language) async throws -> Response {
        let money = self.money(language)
        let status = try await coreCall(CoreOp.CoreStatus.self, NoParameters())
        let summary = try await coreCall(CoreOp.ReportSummary.self, .init(merchant: session.merchant))
        let merchant = status.merchants.first { $0.code == session.merchant }
        func period(_ figures: SummaryAnswer.Period) -> [String: Any] {
            [
                "earns": "\(figures.earns)", "pointsEarned": "\(figures.pointsEarned)", "redeems": "\(figures.redeems)",
                "pointsRedeemed": "\(figures.pointsRedeemed)",
                "discountRedeemed": money.amount(figures.discountRedeemed, currency: summary.currency),
                "returns": "\(figures.returns)",
            ]
        }
        var values: [String: Any] = [
            "merchantCode": session.merchant, "merchantName": merchant?.name ?? session.merchant,
            "currency": summary.currency, "version": status.version, "today": period(summary.today),
            "month": period(summary.month), "activeCards": "\(summary.activeCards)",
            "pointsOutstanding": "\(summary.pointsOutstanding)",
            "discountOutstanding": money.amount(summary.discountOutstanding, currency: summary.currency),
        ]
        if let prefix = merchant?.cardPrefix { values["cardPrefix"] = prefix }
        return try render("dashboard", values, session: session, language: language)
    }
}
