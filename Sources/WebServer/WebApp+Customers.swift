import BackOffice
import Foundation
import Hummingbird
import LoyalgateProtocol
import LoyaltyDomain

extension WebApp {
    func money(_ language: Language) -> MoneyText { MoneyText(language: language, timeZone: configuration.timeZone) }

    func accountValues(_ account: AccountView, _ language: Language) -> [String: Any] {
        let money = self.money(language)
        var values: [String: Any] = [
            "points": "\(account.points)", "balance": money.amount(account.balance, currency: account.currency),
        ]
        if let prepaid = account.prepaid { values["prepaid"] = money.amount(prepaid, currency: account.currency) }
        return values
    }

    func cardValues(_ cards: [CardView], _ catalog: Catalog) -> [[String: Any]] {
        cards.map { ["number": $0.number, "status": catalog.text("card.status.\($0.status.rawValue)")] }
    }

    /// The search: a card number goes straight to the card; a phone or e-mail lists the matches.
    func customers(_ request: Request, _ session: StaffSession, _ language: Language) async throws -> Response {
        let catalog = Catalog(language)
        let typed = String((request.uri.queryParameters.get("q") ?? "").prefix(254))
        var values: [String: Any] = ["query": typed]
        if !typed.isEmpty {
            switch CustomerQuery(typed) {
            case .card(let number):
                throw PageStop.redirect("/cards/\(number)")
            case .phone(let phone):
                values.merge(
                    try await matches(.init(merchant: session.merchant, phone: phone), typed, catalog, language)
                ) { $1 }
            case .email(let email):
                values.merge(
                    try await matches(.init(merchant: session.merchant, email: email), typed, catalog, language)
                ) { $1 }
            case nil:
                values["queryProblem"] = catalog.text("customers.none", ["query": typed])
            }
        }
        return try render("customers", values, session: session, language: language)
    }

    private func matches(
        _ parameters: CoreOp.CustomerFind.Parameters, _ typed: String, _ catalog: Catalog, _ language: Language
    ) async throws -> [String: Any] {
        let found = try await coreCall(CoreOp.CustomerFind.self, parameters)
        guard !found.customers.isEmpty else { return ["nobody": catalog.text("customers.none", ["query": typed])] }
        let rows: [[String: Any]] = found.customers.map { match in
            var row = accountValues(
                match.accounts.first ?? AccountView(id: nil, points: 0, balance: "0", currency: ""), language)
            row["name"] = match.displayName
            row["link"] = "/customers/\(match.id)"
            row["cards"] = cardValues(match.cards, catalog)
            return row
        }
        return ["hasMatches": true, "matches": rows]
    }

    func customerForm(
        _ session: StaffSession, _ language: Language, form: CustomerForm, problems: [String: FieldError], id: Int64?
    ) throws -> Response {
        let catalog = Catalog(language)
        var names: [(String, String)] = [
            ("name", "text"), ("displayName", "text"), ("email", "email"), ("phone", "tel"), ("address", "text"),
            ("postcode", "text"), ("birthDate", "text"),
        ]
        if id == nil { names.append(("card", "text")) }
        let values = form.values
        let fields: [[String: Any]] = names.map { name, type in
            var field: [String: Any] = [
                "name": name, "type": type, "label": catalog.text("customer.\(name)"), "value": values[name] ?? "",
            ]
            if let problem = problems[name] { field["problem"] = catalog.text(problem.key, problem.values) }
            return field
        }
        let page: [String: Any] = [
            "heading": id == nil ? catalog.text("customers.register") : catalog.text("customer.edit"),
            "action": id.map { "/customers/\($0)" } ?? "/customers", "fields": fields,
            "hasProblems": !problems.isEmpty, "consentMail": form.consentMail,
            "consentProfiling": form.consentProfiling,
        ]
        let html = try renderHTML("customer-form", page, session: session, language: language)
        // 422 for a form sent back with its messages, so a script (or a test) can tell.
        return Self.html(html, status: problems.isEmpty ? .ok : .unprocessableContent)
    }

    func register(_ session: StaffSession, _ language: Language, _ fields: [String: String]) async throws -> Response {
        let form = CustomerForm(fields: fields)
        var problems = form.problems(cardAllowed: true)
        guard problems.isEmpty else {
            return try customerForm(session, language, form: form, problems: problems, id: nil)
        }
        do {
            let record = try await core.call(
                CoreOp.CustomerRegister.self,
                .init(
                    merchant: session.merchant, details: form.details,
                    consents: Consents(mail: form.consentMail, profiling: form.consentProfiling),
                    card: form.card.isEmpty ? nil : form.card))
            sessions.setNotice(session.token, key: "customer.registered")
            throw PageStop.redirect("/customers/\(record.id)")
        } catch let refusal as LoyaltyError
            where [.unknownCard, .invalidCardNumber, .cardBlocked].contains(refusal.code)
        {
            // The core's sentence about the card, beside the card field; nothing was written.
            problems["card"] = FieldError("error.core", ["message": refusal.message])
            return try customerForm(session, language, form: form, problems: problems, id: nil)
        }
    }

    func update(_ session: StaffSession, _ language: Language, id: Int64, _ fields: [String: String]) async throws
        -> Response
    {
        let form = CustomerForm(fields: fields)
        let problems = form.problems(cardAllowed: false)
        guard problems.isEmpty else {
            return try customerForm(session, language, form: form, problems: problems, id: id)
        }
        let details = form.details
        // The core's patch replaces the fields given: an emptied field is left as it was (the
        // core has no "clear this field" yet, and an empty e-mail is not an address).
        let patch = CustomerPatch(
            name: details.name, displayName: details.displayName, address: details.address,
            postcode: details.postcode, email: details.email, phone: details.phone, birthDate: details.birthDate)
        _ = try await coreCall(
            CoreOp.CustomerUpdate.self,
            .init(
                merchant: session.merchant, customer: id, details: patch,
                consents: Consents(mail: form.consentMail, profiling: form.consentProfiling)), missing: true)
        sessions.setNotice(session.token, key: "customer.saved")
        throw PageStop.redirect("/customers/\(id)")
    }

    func customer(_ session: StaffSession, _ language: Language, id: Int64) async throws -> Response {
        let catalog = Catalog(language)
        let record = try await coreCall(
            CoreOp.CustomerGet.self, .init(merchant: session.merchant, customer: id), missing: true)
        let details = record.details
        var consents: [String] = []
        if record.consents.mail { consents.append(catalog.text("customer.consentMail")) }
        if record.consents.profiling { consents.append(catalog.text("customer.consentProfiling")) }
        let values: [String: Any] = [
            "id": "\(id)", "heading": details?.name ?? catalog.text("customer.erased"),
            "email": details?.email ?? "", "phone": details?.phone ?? "", "address": details?.address ?? "",
            "postcode": details?.postcode ?? "", "birthDate": details?.birthDate ?? "",
            "consents": consents.isEmpty ? "-" : consents.joined(separator: ", "),
            "cards": cardValues(record.cards, catalog),
            "accounts": record.accounts.map { accountValues($0, language) },
            "mayExport": session.role.may(.exportCustomer) && record.erasedAt == nil,
            "mayErase": session.role.may(.erase) && record.erasedAt == nil,
        ]
        return try render("customer", values, session: session, language: language)
    }
}
