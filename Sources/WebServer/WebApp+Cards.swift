import BackOffice
import Foundation
import Hummingbird
import LoyalgateProtocol
import LoyaltyDomain

extension WebApp {
    func card(
        _ session: StaffSession, _ language: Language, number: String, newCard: String, newCardProblem: String?,
        poolProblem: String? = nil, poolInto: String = "", splitProblem: String? = nil, splitPoints: String = "",
        splitAmount: String = ""
    ) async throws -> Response {
        let catalog = Catalog(language)
        let money = self.money(language)
        let lookup = try await coreCall(
            CoreOp.CardLookup.self, .init(merchant: session.merchant, card: number), missing: true)
        // A number in the merchant's range that was never issued is not a card of this shop yet.
        guard lookup.account.id != nil else { throw PageStop.status(.notFound, "error.notFound") }
        let history = try await coreCall(
            CoreOp.AccountHistory.self, .init(merchant: session.merchant, card: number, limit: 100), missing: true)
        let rows: [[String: Any]] = history.entries.map { entry in
            [
                "when": money.instant(entry.at), "what": catalog.text("history.\(entry.kind)"),
                "points": entry.points == 0 ? "" : "\(entry.points)",
                "amount": entry.amount.allSatisfy({ $0 == "0" || $0 == "." || $0 == "-" })
                    ? "" : money.amount(entry.amount, currency: lookup.account.currency),
            ]
        }
        let status = lookup.card.status
        let mayChange = session.role.may(.cardLife)
        var values: [String: Any] = accountValues(lookup.account, language)
        values["number"] = number
        values["heading"] = catalog.text("card.title", ["card": number])
        values["status"] = catalog.text("card.status.\(status.rawValue)")
        values["customerName"] = lookup.customer?.displayName ?? "-"
        values["member"] = catalog.text(lookup.member ? "card.yes" : "card.no")
        values["mayActivate"] = mayChange && status == .issued
        values["mayBlock"] = mayChange && status == .active
        values["mayReplace"] = mayChange && (status == .active || status == .blocked)
        values["newCard"] = newCard
        if let newCardProblem { values["newCardProblem"] = newCardProblem }
        values["mayHousehold"] = mayChange && status == .active
        values["isMember"] = lookup.member
        values["poolInto"] = poolInto
        if let poolProblem { values["poolProblem"] = poolProblem }
        if let splitProblem { values["splitProblem"] = splitProblem }
        values["splitPoints"] = splitPoints
        values["splitAmount"] = splitAmount
        values["history"] = rows
        values["hasHistory"] = !rows.isEmpty
        let html = try renderHTML("card", values, session: session, language: language)
        return Self.html(
            html,
            status: newCardProblem == nil && poolProblem == nil && splitProblem == nil ? .ok : .unprocessableContent)
    }

    /// Replaces the card; the fee (if the program has one) and where it was taken from are
    /// shown on the new card's page.
    func replace(_ session: StaffSession, _ language: Language, number: String, _ fields: [String: String])
        async throws -> Response
    {
        let catalog = Catalog(language)
        let reasons = Program.CardRules.replacementReasons
        let reason = fields["reason"].flatMap { reasons.contains($0) ? $0 : nil } ?? "lost"
        let typed = (fields["newCard"] ?? "").filter { !$0.isWhitespace }
        var newCard: String?
        if !typed.isEmpty {
            guard let parsed = try? CardNumber(typed) else {
                return try await card(
                    session, language, number: number, newCard: String(typed.prefix(32)),
                    newCardProblem: catalog.text("field.card"))
            }
            newCard = parsed.digits
        }
        let answer: ReplaceAnswer
        do {
            answer = try await coreCall(
                CoreOp.CardReplace.self,
                .init(merchant: session.merchant, card: number, reason: reason, newCard: newCard),
                missing: newCard == nil)
        } catch let refusal as LoyaltyError where newCard != nil {
            return try await card(
                session, language, number: number, newCard: typed,
                newCardProblem: catalog.text("error.core", ["message": refusal.message]))
        }
        await audit(
            session, "card.replace", subject: number,
            detail:
                "\(reason); new card \(answer.card.number)\(answer.fee.map { "; fee \($0.amount) from \($0.paidFrom.rawValue)" } ?? "")"
        )
        var notice = catalog.text("card.replaced", ["old": number, "new": answer.card.number]) + " "
        if let fee = answer.fee {
            let amount = money(language).amount(fee.amount, currency: answer.account.currency)
            notice +=
                fee.paidFrom == .balance
                ? catalog.text(
                    "card.replace.fee", ["amount": amount, "from": catalog.text("customer.balance").lowercased()])
                : catalog.text("card.replace.feeTill", ["amount": amount])
        } else {
            notice += catalog.text("card.replace.noFee")
        }
        sessions.setNotice(session.token, key: "raw", values: ["text": notice])
        throw PageStop.redirect("/cards/\(answer.card.number)")
    }

    /// Splits the card off its household with the share it takes along; a refusal (the card is
    /// alone, the household has less) is shown beside the form, and nothing moves.
    func split(_ session: StaffSession, _ language: Language, number: String, _ fields: [String: String])
        async throws -> Response
    {
        let catalog = Catalog(language)
        let typedPoints = (fields["points"] ?? "").trimmingCharacters(in: .whitespaces)
        let typedAmount = (fields["amount"] ?? "").trimmingCharacters(in: .whitespaces)
        let points = typedPoints.isEmpty ? 0 : Int64(typedPoints)
        let amount = typedAmount.isEmpty ? nil : Self.amount(typedAmount)
        guard let points, points >= 0, typedAmount.isEmpty || amount != nil else {
            return try await card(
                session, language, number: number, newCard: "", newCardProblem: nil,
                splitProblem: catalog.text("till.amountInvalid"), splitPoints: String(typedPoints.prefix(12)),
                splitAmount: String(typedAmount.prefix(16)))
        }
        do {
            let answer = try await core.call(
                CoreOp.AccountSplit.self,
                .init(merchant: session.merchant, card: number, points: points, amount: amount))
            await audit(session, "account.split", subject: number, detail: "\(points) points, \(amount ?? "0")")
            sessions.setNotice(
                session.token, key: "card.splitDone",
                values: [
                    "card": number, "points": "\(answer.account.points)",
                    "amount": money(language).amount(answer.account.balance, currency: answer.account.currency),
                ])
            throw PageStop.redirect("/cards/\(number)")
        } catch let refusal as LoyaltyError {
            return try await card(
                session, language, number: number, newCard: "", newCardProblem: nil,
                splitProblem: catalog.text("error.core", ["message": refusal.message]), splitPoints: typedPoints,
                splitAmount: typedAmount)
        }
    }
}
